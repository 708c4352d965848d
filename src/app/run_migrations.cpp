#include "app/run_migrations.hpp"

#include <algorithm>

namespace bulkmsg::app {

namespace {

class LockGuard {
public:
    explicit LockGuard(MigrationStore& store) : store_(store) { store_.Lock(); }
    ~LockGuard() { store_.Unlock(); }
    LockGuard(const LockGuard&) = delete;
    LockGuard& operator=(const LockGuard&) = delete;

private:
    MigrationStore& store_;
};

unsigned HighestVersion(const std::vector<domain::AppliedMigration>& applied) {
    unsigned highest = 0;
    for (const auto& a : applied) {
        highest = std::max(highest, a.version);
    }
    return highest;
}

}  // namespace

MigrationReport RunMigrations(MigrationStore& store, const std::vector<domain::Migration>& available) {
    LockGuard lock(store);
    auto applied = store.Applied();
    MigrationReport report;
    report.current_version = HighestVersion(applied);
    for (const auto& migration : domain::PendingMigrations(available, applied)) {
        store.Apply(migration);
        report.applied.push_back(migration.name);
        report.current_version = std::max(report.current_version, migration.version);
    }
    return report;
}

size_t CountPendingMigrations(MigrationStore& store, const std::vector<domain::Migration>& available) {
    return domain::PendingMigrations(available, store.Applied()).size();
}

}  // namespace bulkmsg::app
