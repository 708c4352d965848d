// Takes MariaDB away under a running poller (runs alone: RUN_SERIAL).
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "outage/poller_under_test.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;

// mysql::MysqlPool pings a connection before handing it out only when it has been idle longer than this
// (MysqlPool::kCheckAfterIdle, private to the pool).
constexpr auto kPoolCheckAfterIdle = 1s;

TEST(DatabaseOutageTest, PollerSurvivesAMariaDbRestartAndLosesNoRow) {
    testing::MigratedDatabase db;
    testing::TestQueues queues;
    const auto campaign = db.InsertCampaign();
    db.InsertOutbox(campaign, 2000);
    // Rows that fall due only after the database is gone.
    db.InsertOutbox(campaign, 2000, {{"available_at", "NOW(6) + INTERVAL 6 SECOND"}});
    testing::PollerUnderTest poller(db, queues);
    ASSERT_TRUE(testing::WaitUntil([&] { return db.Count("status='queued'") == 2000; }, 60s)) << poller.Output();

    ASSERT_EQ(testing::RunStackScript({"stop", "mysql"}).exit_code, 0);
    EXPECT_TRUE(testing::WaitUntil([&] { return poller.Ready() == 503; }, 20s));
    const auto not_ready = nlohmann::json::parse(poller.ReadyBody());
    EXPECT_EQ(not_ready["status"], "not_ready");
    EXPECT_EQ(not_ready["checks"]["mysql"]["ok"], false) << not_ready.dump();
    EXPECT_NE(not_ready["checks"]["mysql"]["error"].get<std::string>().find("MySQL"), std::string::npos);
    EXPECT_EQ(not_ready["checks"]["rabbitmq"]["ok"], true) << "only the database is named";
    EXPECT_EQ(not_ready["checks"]["redis"]["ok"], true);
    std::this_thread::sleep_for(7s);  // the delayed rows fall due while the database is down
    EXPECT_EQ(poller.Live(), 200u) << "the poller must keep running";
    const auto started = testing::RunStackScript({"start", "mysql"});
    ASSERT_EQ(started.exit_code, 0) << started.output;
    db.Reconnect();

    EXPECT_TRUE(testing::WaitUntil([&] { return db.Count("status='queued'") == 4000; }, 60s)) << poller.Output();
    poller.ExpectEveryRowInTheQueue(4000);
    EXPECT_TRUE(testing::WaitUntil([&] { return poller.Ready() == 200; }, 20s));
    poller.StopExpectingRecovery();
}

// A `bulkmsg api` process on a throw-away database, with an API key.
struct ApiUnderTest {
    ApiUnderTest() {
        const auto created =
            testing::RunBulkmsg({"apikey", "create", "--name", "outage"}, {{"DB_NAME", db.Config().name}});
        EXPECT_EQ(created.exit_code, 0) << created.output;
        key = created.output.substr(created.output.rfind("bmk_"), 68);
        process.emplace(
            std::vector<std::string>{BULKMSG_BINARY, "api"},
            testing::BulkmsgEnv({{"DB_NAME", db.Config().name}, {"EXPRESS_APP_PORT", std::to_string(port)}}),
            testing::EmptyWorkDir());
    }
    // GET `path` with the key, as raw HTTP.
    std::string Get(const std::string& path) const {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer " + key + "\r\n\r\n";
    }

    testing::MigratedDatabase db;
    unsigned short port = testing::FreePort();
    std::string key;
    std::optional<testing::ChildProcess> process;
};

// The API's pooled connections die with the server; the first request after the restart must still succeed.
TEST(DatabaseOutageTest, ApiAnswersTheFirstRequestAfterAMariaDbRestart) {
    ApiUnderTest api;
    auto& db = api.db;
    const auto port = api.port;
    const auto request = api.Get("/api/v1/campaigns");
    ASSERT_TRUE(testing::WaitUntil([&] { return testing::SendRawHttp(port, request).status == 200; }, 10s));
    // The pool last handed out and took back a connection during that request.
    const auto pool_last_used = std::chrono::steady_clock::now();

    ASSERT_EQ(testing::RunStackScript({"stop", "mysql"}).exit_code, 0);
    const auto started = testing::RunStackScript({"start", "mysql"});
    ASSERT_EQ(started.exit_code, 0) << started.output;
    db.Reconnect();
    // The pooled connections must have been idle longer than the pool's check interval, so that the pool checks
    // them before use (the case under test); the restart normally takes longer already, so this rarely waits.
    ASSERT_TRUE(testing::WaitUntil(
        [&] { return std::chrono::steady_clock::now() - pool_last_used > kPoolCheckAfterIdle; }, 5s, 10ms));
    const auto first = testing::SendRawHttp(port, request);
    EXPECT_EQ(first.status, 200u) << first.body << api.process->OutputSoFar();
}

// While MariaDB is down the API answers 503 naming the database, with Retry-After, never 500; afterwards it serves.
TEST(DatabaseOutageTest, ApiAnswers503NamingTheDatabaseWhileItIsDown) {
    ApiUnderTest api;
    auto& db = api.db;
    const auto port = api.port;
    const auto request = api.Get("/api/v1/campaigns/1/progress");
    ASSERT_TRUE(testing::WaitUntil([&] { return testing::SendRawHttp(port, request).status == 404; }, 10s));

    ASSERT_EQ(testing::RunStackScript({"stop", "mysql"}).exit_code, 0);
    const auto down = testing::SendRawHttpUntilClose(port, request);
    const auto restarted = testing::RunStackScript({"start", "mysql"});
    db.Reconnect();
    EXPECT_NE(down.find("HTTP/1.1 503"), std::string::npos) << down;
    EXPECT_NE(down.find("Retry-After: 5\r\n"), std::string::npos) << down;
    const auto body = nlohmann::json::parse(down.substr(down.find("\r\n\r\n") + 4), nullptr, false);
    EXPECT_EQ(body["error"]["code"], "unavailable") << down;
    EXPECT_EQ(body["error"]["details"][0]["dependency"], "database") << down;
    ASSERT_EQ(restarted.exit_code, 0) << restarted.output;
    EXPECT_TRUE(testing::WaitUntil([&] { return testing::SendRawHttp(port, request).status == 404; }, 20s))
        << api.process->OutputSoFar();
}

}  // namespace
}  // namespace bulkmsg
