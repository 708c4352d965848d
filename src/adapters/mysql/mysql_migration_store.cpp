#include "adapters/mysql/mysql_migration_store.hpp"

namespace bulkmsg::mysql {

MysqlMigrationStore::MysqlMigrationStore(MysqlConnection& connection, std::string database_name,
                                         unsigned lock_timeout_seconds)
    // MySQL 8 limits lock names to 64 characters.
    : connection_(connection),
      lock_name_(("bulkmsg.migrate." + database_name).substr(0, 64)),
      lock_timeout_seconds_(lock_timeout_seconds) {}

void MysqlMigrationStore::Lock() {
    auto got = connection_.QueryValue("SELECT GET_LOCK(" + connection_.Quote(lock_name_) + ", " +
                                      std::to_string(lock_timeout_seconds_) + ")");
    if (got != "1") {
        throw MysqlError(0, "timed out after " + std::to_string(lock_timeout_seconds_) +
                                " s waiting for the migration lock held by another process");
    }
}

void MysqlMigrationStore::Unlock() {
    connection_.Query("SELECT RELEASE_LOCK(" + connection_.Quote(lock_name_) + ")");
}

void MysqlMigrationStore::EnsureTable() {
    connection_.Execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INT UNSIGNED NOT NULL PRIMARY KEY,"
        " name VARCHAR(255) NOT NULL,"
        " checksum CHAR(64) NOT NULL,"
        " applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
}

std::vector<domain::AppliedMigration> MysqlMigrationStore::Applied() {
    EnsureTable();
    std::vector<domain::AppliedMigration> applied;
    for (const auto& row : connection_.Query("SELECT version, checksum FROM schema_migrations ORDER BY version")) {
        applied.push_back({static_cast<unsigned>(std::stoul(row[0].value_or("0"))), row[1].value_or("")});
    }
    return applied;
}

void MysqlMigrationStore::Apply(const domain::Migration& migration) {
    // MySQL commits DDL implicitly, so statements are not rolled back as a unit; migrations are written
    // with IF NOT EXISTS so that a run interrupted part-way can simply be repeated.
    for (const auto& statement : migration.statements) {
        connection_.Execute(statement);
    }
    connection_.Execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (" +
                        std::to_string(migration.version) + ", " + connection_.Quote(migration.name) + ", " +
                        connection_.Quote(migration.checksum) + ")");
}

}  // namespace bulkmsg::mysql
