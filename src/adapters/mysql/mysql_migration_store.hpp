#pragma once

#include "adapters/mysql/mysql_connection.hpp"
#include "app/migration_store.hpp"

namespace bulkmsg::mysql {

/// Applies migrations to the connection's database and records them in `schema_migrations`. The lock is a
/// MySQL named lock (GET_LOCK) per database, so concurrent `bulkmsg migrate` runs serialise.
class MysqlMigrationStore final : public app::MigrationStore {
public:
    MysqlMigrationStore(MysqlConnection& connection, std::string database_name, unsigned lock_timeout_seconds = 120);

    void Lock() override;
    void Unlock() override;
    std::vector<domain::AppliedMigration> Applied() override;
    void Apply(const domain::Migration& migration) override;

private:
    void EnsureTable();
    MysqlConnection& connection_;
    std::string lock_name_;
    unsigned lock_timeout_seconds_;
};

}  // namespace bulkmsg::mysql
