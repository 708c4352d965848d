#pragma once

#include <string>
#include <vector>

#include "app/migration_store.hpp"

namespace bulkmsg::app {

struct MigrationReport {
    std::vector<std::string> applied;  // file names applied by this call, in order
    unsigned current_version = 0;      // highest version in the database afterwards
};

/// Applies every pending migration under the store's lock, so concurrent callers are safe: the second
/// one waits, then finds nothing to do. A second run is a no-op.
MigrationReport RunMigrations(MigrationStore& store, const std::vector<domain::Migration>& available);

/// Number of migrations this binary knows that the database has not applied (0 = schema current).
/// Throws MigrationError when the database is ahead of, or diverged from, this binary.
size_t CountPendingMigrations(MigrationStore& store, const std::vector<domain::Migration>& available);

}  // namespace bulkmsg::app
