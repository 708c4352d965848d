#pragma once

#include <vector>

#include "domain/migration.hpp"

namespace bulkmsg::app {

/// Where schema migrations are applied and recorded (port; the MySQL adapter implements it).
class MigrationStore {
public:
    virtual ~MigrationStore() = default;
    /// Blocks until this process holds the cluster-wide migration lock; throws if it cannot get it.
    virtual void Lock() = 0;
    virtual void Unlock() = 0;
    /// Migrations recorded as applied. Creates the bookkeeping table when missing.
    virtual std::vector<domain::AppliedMigration> Applied() = 0;
    /// Runs the migration's statements, then records it as applied.
    virtual void Apply(const domain::Migration& migration) = 0;
};

}  // namespace bulkmsg::app
