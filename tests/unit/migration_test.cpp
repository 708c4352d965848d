#include "domain/migration.hpp"

#include <gtest/gtest.h>

#include "app/embedded_migrations.hpp"
#include "domain/sha256.hpp"

namespace bulkmsg::domain {
namespace {

TEST(Sha256Test, MatchesKnownVectors) {
    EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(MigrationTest, ParsesAndOrdersByVersion) {
    auto migrations = ParseMigrations({{"010_b.sql", "SELECT 2;"}, {"002_a.sql", "SELECT 1; SELECT 3;"}});
    ASSERT_EQ(migrations.size(), 2u);
    EXPECT_EQ(migrations[0].version, 2u);
    EXPECT_EQ(migrations[0].statements.size(), 2u);
    EXPECT_EQ(migrations[0].checksum, Sha256Hex("SELECT 1; SELECT 3;"));
    EXPECT_EQ(migrations[1].version, 10u);
}

TEST(MigrationTest, RejectsBadNamesAndDuplicateVersions) {
    EXPECT_THROW(ParseMigrations({{"init.sql", ""}}), MigrationError);
    EXPECT_THROW(ParseMigrations({{"001.sql", ""}}), MigrationError);
    EXPECT_THROW(ParseMigrations({{"001_a.sql", ""}, {"1_b.sql", ""}}), MigrationError);
}

TEST(MigrationTest, PendingSkipsAppliedAndKeepsOrder) {
    auto available = ParseMigrations({{"001_a.sql", "A"}, {"002_b.sql", "B"}, {"003_c.sql", "C"}});
    auto pending = PendingMigrations(available, {{2, Sha256Hex("B")}});
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[0].name, "001_a.sql");
    EXPECT_EQ(pending[1].name, "003_c.sql");
    EXPECT_TRUE(PendingMigrations(available, {{1, Sha256Hex("A")}, {2, Sha256Hex("B")}, {3, Sha256Hex("C")}}).empty());
}

TEST(MigrationTest, EditedOrUnknownAppliedMigrationIsAnError) {
    auto available = ParseMigrations({{"001_a.sql", "A"}});
    EXPECT_THROW(PendingMigrations(available, {{1, Sha256Hex("edited")}}), MigrationError);
    EXPECT_THROW(PendingMigrations(available, {{1, Sha256Hex("A")}, {2, "x"}}), MigrationError);
}

TEST(MigrationTest, SplitsStatementsOutsideQuotesAndComments) {
    auto statements = SplitSqlStatements(
        "-- leading comment; with semicolon\n"
        "CREATE TABLE t (a VARCHAR(3) DEFAULT ';');\n"
        "INSERT INTO t VALUES ('it\\'s; fine'), (\"x;y\");  # note; here\n"
        "SELECT `odd;name` FROM t\n"
        ";\n-- only a comment\n;");
    ASSERT_EQ(statements.size(), 3u);
    EXPECT_NE(statements[0].find("DEFAULT ';'"), std::string::npos);
    EXPECT_NE(statements[1].find("'it\\'s; fine'"), std::string::npos);
    EXPECT_NE(statements[2].find("`odd;name`"), std::string::npos);
}

TEST(MigrationTest, ShippedMigrationsParseAndCreateTheOriginalTables) {
    auto migrations = ParseMigrations(app::EmbeddedMigrations());
    ASSERT_FALSE(migrations.empty());
    EXPECT_EQ(migrations.front().version, 1u);
    std::string all;
    for (const auto& m : migrations) {
        for (const auto& s : m.statements) {
            all += s;
        }
    }
    for (const char* table :
         {"TABLE IF NOT EXISTS campaigns", "TABLE IF NOT EXISTS campaign_targets", "TABLE IF NOT EXISTS outbox"}) {
        EXPECT_NE(all.find(table), std::string::npos) << table;
    }
    EXPECT_NE(all.find("idx_outbox_claim (status, available_at, id)"), std::string::npos);
}

}  // namespace
}  // namespace bulkmsg::domain
