#include <gtest/gtest.h>

#include "adapters/mysql/mysql_connection.hpp"
#include "adapters/mysql/mysql_migration_store.hpp"
#include "app/embedded_migrations.hpp"
#include "app/run_migrations.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg {
namespace {

class MigrateTest : public ::testing::Test {
protected:
    app::MigrationReport Migrate() {
        mysql::MysqlMigrationStore store(connection_, db_.Config().name);
        return app::RunMigrations(store, domain::ParseMigrations(app::EmbeddedMigrations()));
    }
    std::string Value(const std::string& sql) { return connection_.QueryValue(sql).value_or("NULL"); }

    testing::TempDatabase db_;
    mysql::MysqlConnection connection_{db_.Config()};
};

TEST_F(MigrateTest, AppliesEveryMigrationOnAnEmptyDatabase) {
    auto report = Migrate();
    EXPECT_EQ(report.applied.size(), app::EmbeddedMigrations().size());
    EXPECT_EQ(Value("SELECT COUNT(*) FROM schema_migrations"), std::to_string(app::EmbeddedMigrations().size()));
    for (const char* table : {"campaigns", "campaign_targets", "outbox"}) {
        EXPECT_EQ(Value("SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA=DATABASE() AND TABLE_NAME='" +
                        std::string(table) + "'"),
                  "InnoDB")
            << table;
    }
}

TEST_F(MigrateTest, SecondRunChangesNothing) {
    Migrate();
    auto applied_at = Value("SELECT GROUP_CONCAT(applied_at ORDER BY version) FROM schema_migrations");
    auto report = Migrate();
    EXPECT_TRUE(report.applied.empty());
    EXPECT_EQ(Value("SELECT GROUP_CONCAT(applied_at ORDER BY version) FROM schema_migrations"), applied_at);
}

TEST_F(MigrateTest, OutboxKeepsTheOriginalColumnsAndStatuses) {
    Migrate();
    for (const char* column :
         {"id", "campaign_id", "user_ref", "kind", "payload", "idempotency_key", "status", "attempts", "last_error",
          "provider_msg_id", "createdAt", "updatedAt", "available_at", "queued_at", "sent_at"}) {
        EXPECT_EQ(Value("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=DATABASE() "
                        "AND TABLE_NAME='outbox' AND COLUMN_NAME='" +
                        std::string(column) + "'"),
                  "1")
            << column;
    }
    auto status_type = Value(
        "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=DATABASE() "
        "AND TABLE_NAME='outbox' AND COLUMN_NAME='status'");
    for (const char* status : {"'pending'", "'queued'", "'sent'", "'failed'", "'retrying'"}) {
        EXPECT_NE(status_type.find(status), std::string::npos) << status;
    }
}

// Migration 011 moves the lease clocks of rows in flight into available_at before their indexes go, so rows that a
// dead poller or consumer left behind are still found by the stale scans after an upgrade.
TEST_F(MigrateTest, OneClaimIndexCarriesTheLeasesOfRowsInFlight) {
    auto migrations = domain::ParseMigrations(app::EmbeddedMigrations());
    const auto up_to = [&](unsigned last) {
        std::vector<domain::Migration> some;
        for (const auto& m : migrations) {
            if (m.version <= last) {
                some.push_back(m);
            }
        }
        mysql::MysqlMigrationStore store(connection_, db_.Config().name);
        app::RunMigrations(store, some);
    };
    up_to(10);
    connection_.Execute(
        "INSERT INTO campaigns (name, kind, status, template_text) VALUES ('c', 'email', 'running', 'x')");
    const std::string columns =
        "INSERT INTO outbox (campaign_id, user_ref, kind, payload, idempotency_key, status, "
        "available_at, queued_at, sending_at) VALUES (1, 'a@example.com', 'email', '{}', ";
    connection_.Execute(columns + "'k1', 'queued', '2026-01-01 00:00:00', '2026-01-02 00:00:00', NULL)");
    connection_.Execute(columns +
                        "'k2', 'sending', '2026-01-01 00:00:00', '2026-01-02 00:00:00', '2026-01-03 00:00:00')");
    connection_.Execute(columns + "'k3', 'retrying', '2026-01-04 00:00:00', '2026-01-02 00:00:00', NULL)");
    up_to(11);
    EXPECT_EQ(Value("SELECT GROUP_CONCAT(DATE(available_at) ORDER BY id) FROM outbox"),
              "2026-01-02,2026-01-03,2026-01-04");
    EXPECT_EQ(Value("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA=DATABASE() AND "
                    "TABLE_NAME='outbox' AND INDEX_NAME IN ('idx_outbox_lease', 'idx_outbox_sending')"),
              "0");
}

TEST_F(MigrateTest, IdempotencyKeyIsUniqueAndTextIsUtf8mb4) {
    Migrate();
    connection_.Execute("INSERT INTO campaigns (name, kind) VALUES ('c \xF0\x9F\x9A\x80', 'email')");
    const std::string insert =
        "INSERT INTO outbox (campaign_id, user_ref, kind, payload, idempotency_key) "
        "VALUES (1, 'a@example.com', 'email', '{}', REPEAT('a', 64))";
    connection_.Execute(insert);
    EXPECT_THROW(connection_.Execute(insert), mysql::MysqlError);
    EXPECT_EQ(Value("SELECT name FROM campaigns WHERE id=1"), "c \xF0\x9F\x9A\x80");
}

TEST_F(MigrateTest, ClaimQueryFollowsTheIndexWithoutFilesort) {
    Migrate();
    auto plan = connection_.Query(
        "EXPLAIN SELECT id FROM outbox WHERE status='pending' AND available_at <= NOW(6) "
        "ORDER BY available_at, id LIMIT 1000 FOR UPDATE SKIP LOCKED");
    ASSERT_EQ(plan.size(), 1u);
    std::string row;
    for (const auto& cell : plan[0]) {
        row += cell.value_or("NULL") + " ";
    }
    EXPECT_NE(row.find("idx_outbox_claim"), std::string::npos) << row;
    EXPECT_EQ(row.find("filesort"), std::string::npos) << row;
}

}  // namespace
}  // namespace bulkmsg
