#include "app/run_migrations.hpp"

#include <gtest/gtest.h>

#include "domain/sha256.hpp"

namespace bulkmsg::app {
namespace {

// Records the calls made on it, so the test sees that work happens inside the lock.
class FakeMigrationStore final : public MigrationStore {
public:
    std::vector<std::string> calls;
    std::vector<domain::AppliedMigration> applied;
    bool fail_on_apply = false;

    void Lock() override { calls.push_back("lock"); }
    void Unlock() override { calls.push_back("unlock"); }
    std::vector<domain::AppliedMigration> Applied() override {
        calls.push_back("applied");
        return applied;
    }
    void Apply(const domain::Migration& m) override {
        if (fail_on_apply) {
            throw std::runtime_error("boom");
        }
        calls.push_back("apply " + m.name);
        applied.push_back({m.version, m.checksum});
    }
};

const auto kAvailable = domain::ParseMigrations({{"001_a.sql", "A"}, {"002_b.sql", "B"}});

TEST(RunMigrationsTest, AppliesPendingInOrderUnderTheLock) {
    FakeMigrationStore store;
    store.applied = {{1, domain::Sha256Hex("A")}};
    auto report = RunMigrations(store, kAvailable);
    EXPECT_EQ(report.applied, std::vector<std::string>{"002_b.sql"});
    EXPECT_EQ(report.current_version, 2u);
    EXPECT_EQ(store.calls, (std::vector<std::string>{"lock", "applied", "apply 002_b.sql", "unlock"}));
}

TEST(RunMigrationsTest, SecondRunIsANoOp) {
    FakeMigrationStore store;
    RunMigrations(store, kAvailable);
    store.calls.clear();
    auto report = RunMigrations(store, kAvailable);
    EXPECT_TRUE(report.applied.empty());
    EXPECT_EQ(report.current_version, 2u);
    EXPECT_EQ(store.calls, (std::vector<std::string>{"lock", "applied", "unlock"}));
}

TEST(RunMigrationsTest, ReleasesTheLockWhenAMigrationFails) {
    FakeMigrationStore store;
    store.fail_on_apply = true;
    EXPECT_THROW(RunMigrations(store, kAvailable), std::runtime_error);
    EXPECT_EQ(store.calls.back(), "unlock");
}

TEST(RunMigrationsTest, CountsPendingMigrations) {
    FakeMigrationStore store;
    EXPECT_EQ(CountPendingMigrations(store, kAvailable), 2u);
    store.applied = {{1, domain::Sha256Hex("A")}, {2, domain::Sha256Hex("B")}};
    EXPECT_EQ(CountPendingMigrations(store, kAvailable), 0u);
}

}  // namespace
}  // namespace bulkmsg::app
