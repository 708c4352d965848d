// The SQL module (adapters/mysql/sql_*): values bound through the one escaping helper, rows read by column name,
// and stored values bulkmsg cannot read reported as SqlDataError naming table and column instead of a default.
#include <gtest/gtest.h>

#include "adapters/mysql/mysql_campaign_store.hpp"
#include "adapters/mysql/mysql_delivery_store.hpp"
#include "adapters/mysql/mysql_outbox_store.hpp"
#include "adapters/mysql/mysql_preparation_store.hpp"
#include "support/outbox_fixture.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;
using testing::MigratedDatabase;

/// Runs `read` and returns the SqlDataError it throws (fails the test when it throws none).
template <typename Read>
mysql::SqlDataError DataErrorOf(Read read) {
    try {
        read();
    } catch (const mysql::SqlDataError& e) {
        return e;
    }
    ADD_FAILURE() << "expected SqlDataError";
    return {"", "", ""};
}

class SqlModuleTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_.Sql().Execute(
            "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(100) NULL, at DATETIME(6) NULL, kind VARCHAR(10) NULL, "
            "doc TEXT NULL)");
    }
    /// Puts the session in the SQL mode of a server without strict mode, which stores what an invalid write leaves:
    /// '' in an ENUM column, the zero date in a DATETIME column.
    void AllowInvalidWrites() { db_.Sql().Execute("SET SESSION sql_mode=''"); }

    MigratedDatabase db_;
};

TEST_F(SqlModuleTest, BoundValuesRoundTripAndAQuestionMarkInAValueIsNoPlaceholder) {
    auto& c = db_.Sql();
    const std::string hostile = "x'?); DROP TABLE t; -- \\ \xF0\x9F\x93\xA8";
    const auto at = domain::TimePoint{} + 1'764'633'600'123'456us;
    const std::optional<std::string> none;
    c.Execute(mysql::Sql(c, "INSERT INTO t (id, v, at, kind, doc) VALUES (?,?,?,?,?)", 7, hostile, at,
                         domain::Channel::kSms, nlohmann::json{{"k", hostile}}));
    c.Execute(mysql::Sql(c, "INSERT INTO t (id, v) VALUES (?,?)", 8, none));
    const std::vector<std::uint64_t> ids = {7, 8};
    const auto result =
        c.Select(mysql::Sql(c, "SELECT v, id, at, kind, doc FROM t WHERE id IN (?) ORDER BY id", mysql::SqlList{ids}));
    ASSERT_EQ(result.size(), 2u);
    const auto id = result.Column("id"), v = result.Column("v"), time = result.Column("at");
    EXPECT_EQ(result[0].UInt(id), 7u);
    EXPECT_EQ(result[0].Text(v), hostile);
    EXPECT_EQ(result[0].Time(time), at);
    EXPECT_EQ(result[0].Channel(result.Column("kind")), domain::Channel::kSms);
    EXPECT_EQ(result[0].JsonObject(result.Column("doc")), (nlohmann::json{{"k", hostile}}));
    EXPECT_EQ(result[1].OptionalText(v), std::nullopt);
    EXPECT_EQ(result[1].OptionalTime(time), std::nullopt);
}

TEST_F(SqlModuleTest, PlaceholdersAndValuesThatDoNotPairUpAndStringsWithoutEscaperAreRefused) {
    auto& c = db_.Sql();
    EXPECT_THROW(mysql::Sql(c, "SELECT ?, ?", 1), std::logic_error);
    EXPECT_THROW(mysql::Sql(c, "SELECT ?", 1, 2), std::logic_error);
    EXPECT_THROW(mysql::SqlStatement().Add("SELECT ?", std::string("text")), std::logic_error);
    EXPECT_THROW(mysql::SqlStatement().Add("SELECT ?", mysql::SqlWord{"it's"}), std::logic_error);
    EXPECT_EQ(mysql::SqlStatement().Add("SELECT ?, ?", 42, mysql::SqlWord{"sent"}).Text(), "SELECT 42, 'sent'");
    EXPECT_THROW(c.Select("SELECT id FROM t").Column("missing"), std::logic_error);
}

TEST_F(SqlModuleTest, UnreadableValuesNameTableAndColumn) {
    auto& c = db_.Sql();
    AllowInvalidWrites();
    c.Execute("INSERT INTO t (id, v, at, kind, doc) VALUES (1, '12x', '0000-00-00 00:00:00', 'fax', '{broken')");
    const auto result = c.Select("SELECT id, v, at, kind, doc, id + 1 AS next FROM t");
    const auto row = result[0];
    struct Case {
        std::function<void()> read;
        std::string column;
        std::string problem;
    };
    const std::vector<Case> cases = {
        {[&] { row.UInt(result.Column("v")); }, "v", "'12x' is not an unsigned integer"},
        {[&] { row.Time(result.Column("at")); }, "at", "'0000-00-00 00:00:00.000000' is not a time"},
        {[&] { row.Channel(result.Column("kind")); }, "kind", "'fax' is not a channel"},
        {[&] { row.JsonObject(result.Column("doc")); }, "doc", "'{broken' is not JSON"},
        {[&] { row.Bool(result.Column("next")); }, "next", "'2' is not 0 or 1"},
    };
    for (const auto& one : cases) {
        const auto error = DataErrorOf(one.read);
        EXPECT_EQ(error.Table(), "t");
        EXPECT_EQ(error.Column(), one.column);
        EXPECT_NE(std::string(error.what()).find("t." + one.column + ": " + one.problem), std::string::npos)
            << error.what();
    }
    c.Execute("INSERT INTO t (id) VALUES (2)");
    const auto nulls = c.Select("SELECT v FROM t WHERE id=2");
    const auto error = DataErrorOf([&] { nulls[0].Text(nulls.Column("v")); });
    EXPECT_STREQ(error.what(), "unreadable value in t.v: NULL where a value is required");
}

TEST_F(SqlModuleTest, StoresThrowNamingTableAndColumnInsteadOfDefaults) {
    auto& c = db_.Sql();
    const auto campaign = db_.InsertCampaign("running");
    db_.InsertOutbox(campaign, 1);
    AllowInvalidWrites();
    c.Execute("INSERT INTO campaign_targets (campaign_id, user_ref, kind) VALUES (" + std::to_string(campaign) +
              ", 'a@example.com', 'fax')");
    c.Execute("UPDATE outbox SET kind='fax'");
    c.Execute("UPDATE campaigns SET createdAt='0000-00-00 00:00:00'");

    mysql::MysqlPreparationStore preparation(db_.Config());
    auto error = DataErrorOf([&] { preparation.TargetsAfter(campaign, 0, 10); });
    EXPECT_EQ(error.Table() + "." + error.Column(), "campaign_targets.kind");
    EXPECT_NE(std::string(error.what()).find("'' is not a channel"), std::string::npos) << error.what();

    mysql::MysqlOutboxStore outbox(db_.Config());
    error = DataErrorOf([&] { outbox.Claim(domain::ClaimKind::kPending, domain::Clock::now(), 900s, 10); });
    EXPECT_EQ(error.Table() + "." + error.Column(), "outbox.kind");

    mysql::MysqlPool pool(db_.Config(), 1);
    mysql::MysqlCampaignStore campaigns(pool);
    error = DataErrorOf([&] { campaigns.GetCampaign(campaign); });
    EXPECT_EQ(error.Table() + "." + error.Column(), "campaigns.createdAt");

    c.Execute("UPDATE outbox SET kind='email', payload='{broken'");
    const auto id = std::stoull(db_.Value("SELECT id FROM outbox"));
    const auto key = db_.Value("SELECT idempotency_key FROM outbox");
    mysql::MysqlDeliveryStore delivery(db_.Config());
    error = DataErrorOf([&] { delivery.Claim({{id, key, "email"}}, domain::Clock::now(), 900s); });
    EXPECT_EQ(error.Table() + "." + error.Column(), "outbox.payload");
}

}  // namespace
}  // namespace bulkmsg
