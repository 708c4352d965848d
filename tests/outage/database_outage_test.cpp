// Takes MariaDB away under a running poller (runs alone: RUN_SERIAL).
#include <gtest/gtest.h>

#include <csignal>
#include <set>
#include <thread>

#include "support/outbox_fixture.hpp"
#include "support/raw_http.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;

TEST(DatabaseOutageTest, PollerSurvivesAMariaDbRestartAndLosesNoRow) {
    testing::MigratedDatabase db;
    testing::TestQueues queues;
    const auto campaign = db.InsertCampaign();
    db.InsertOutbox(campaign, 2000);
    // Rows that fall due only after the database is gone.
    db.InsertOutbox(campaign, 2000, {{"available_at", "NOW(6) + INTERVAL 6 SECOND"}});

    const auto port = testing::FreePort();
    auto env = queues.Env();
    env.merge(std::map<std::string, std::string>{
        {"DB_NAME", db.Config().name}, {"METRICS_PORT", std::to_string(port)}, {"POLL_INTERVAL_MS", "100"}});
    testing::ChildProcess poller({BULKMSG_BINARY, "poller"}, testing::BulkmsgEnv(env), testing::EmptyWorkDir());
    ASSERT_TRUE(testing::WaitUntil([&] { return db.Count("status='queued'") == 2000; }, 60s)) << poller.OutputSoFar();

    ASSERT_EQ(testing::RunStackScript({"stop", "mysql"}).exit_code, 0);
    EXPECT_TRUE(testing::WaitUntil([&] { return testing::HttpGet(port, "/ready").status == 503; }, 20s));
    std::this_thread::sleep_for(7s);  // the delayed rows fall due while the database is down
    EXPECT_EQ(testing::HttpGet(port, "/live").status, 200u) << "the poller must keep running";
    const auto started = testing::RunStackScript({"start", "mysql"});
    ASSERT_EQ(started.exit_code, 0) << started.output;
    db.Reconnect();

    EXPECT_TRUE(testing::WaitUntil([&] { return db.Count("status='queued'") == 4000; }, 60s)) << poller.OutputSoFar();
    const auto messages = queues.Take(4000, 30s);
    std::set<std::string> keys;
    for (const auto& message : messages) {
        keys.insert(message.message_id);
    }
    std::set<std::string> expected;
    for (const auto& row : db.Sql().Query("SELECT idempotency_key FROM outbox")) {
        expected.insert(*row[0]);
    }
    EXPECT_EQ(keys, expected);
    EXPECT_TRUE(testing::WaitUntil([&] { return testing::HttpGet(port, "/ready").status == 200; }, 20s));

    poller.Signal(SIGTERM);
    const auto result = poller.Wait();
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("\"msg\":\"recovered\""), std::string::npos);
}

}  // namespace
}  // namespace bulkmsg
