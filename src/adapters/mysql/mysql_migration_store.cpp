#include "adapters/mysql/mysql_migration_store.hpp"

namespace bulkmsg::mysql {

MysqlMigrationStore::MysqlMigrationStore(MysqlConnection& connection, std::string database_name,
                                         unsigned lock_timeout_seconds)
    // MySQL 8 limits lock names to 64 characters.
    : connection_(connection),
      lock_name_(("bulkmsg.migrate." + database_name).substr(0, 64)),
      lock_timeout_seconds_(lock_timeout_seconds) {}

void MysqlMigrationStore::Lock() {
    auto got = connection_.QueryValue(Sql(connection_, "SELECT GET_LOCK(?, ?)", lock_name_, lock_timeout_seconds_));
    if (got != "1") {
        throw MysqlError(0, "timed out after " + std::to_string(lock_timeout_seconds_) +
                                " s waiting for the migration lock held by another process");
    }
}

void MysqlMigrationStore::Unlock() {
    connection_.Query(Sql(connection_, "SELECT RELEASE_LOCK(?)", lock_name_));
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
    const auto result = connection_.Select("SELECT version, checksum FROM schema_migrations ORDER BY version");
    const auto version = result.Column("version"), checksum = result.Column("checksum");
    for (const auto row : result) {
        applied.push_back({static_cast<unsigned>(row.UInt(version)), row.Text(checksum)});
    }
    return applied;
}

void MysqlMigrationStore::Apply(const domain::Migration& migration) {
    // MySQL commits DDL implicitly, so statements are not rolled back as a unit; migrations are written
    // with IF NOT EXISTS so that a run interrupted part-way can simply be repeated.
    for (const auto& statement : migration.statements) {
        connection_.Execute(statement);
    }
    connection_.Execute(Sql(connection_, "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)",
                            migration.version, migration.name, migration.checksum));
}

}  // namespace bulkmsg::mysql
