// Tests that take a server of the shared local stack away. They run serially (RUN_SERIAL in CMake),
// never next to the tests that need that server.
#include <gtest/gtest.h>

#include <csignal>
#include <set>

#include "support/outbox_fixture.hpp"
#include "support/raw_http.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;

TEST(BrokerOutageTest, PollerSurvivesARabbitMqRestartAndLosesNoRow) {
    testing::MigratedDatabase db;
    testing::TestQueues queues;
    const auto campaign = db.InsertCampaign();
    db.InsertOutbox(campaign, 5000);

    const auto port = testing::FreePort();
    auto env = queues.Env();
    env.merge(std::map<std::string, std::string>{{"DB_NAME", db.Config().name},
                                                 {"METRICS_PORT", std::to_string(port)},
                                                 {"POLL_INTERVAL_MS", "100"},
                                                 {"POLL_BATCH_SIZE", "500"}});
    testing::ChildProcess poller({BULKMSG_BINARY, "poller"}, testing::BulkmsgEnv(env), testing::EmptyWorkDir());

    ASSERT_TRUE(testing::WaitUntil([&] { return db.Count("status='queued'") == 5000; }, 60s)) << poller.OutputSoFar();
    ASSERT_EQ(testing::HttpGet(port, "/ready").status, 200u);

    // The broker goes away with rows still arriving.
    ASSERT_EQ(testing::RunStackScript({"stop", "rabbit"}).exit_code, 0);
    db.InsertOutbox(campaign, 3000);
    EXPECT_TRUE(testing::WaitUntil([&] { return testing::HttpGet(port, "/ready").status == 503; }, 20s));
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(db.Count("status='pending'"), 3000u) << "rows were marked queued while the broker was down";
    EXPECT_EQ(testing::HttpGet(port, "/live").status, 200u) << "the poller must keep running";

    const auto started = testing::RunStackScript({"start", "rabbit"});
    ASSERT_EQ(started.exit_code, 0) << started.output;
    EXPECT_TRUE(testing::WaitUntil([&] { return db.Count("status='queued'") == 8000; }, 90s)) << poller.OutputSoFar();
    EXPECT_TRUE(testing::WaitUntil([&] { return testing::HttpGet(port, "/ready").status == 200; }, 20s));

    // Every row's message is in the queue: the 5,000 confirmed before the restart survived it (durable queue,
    // persistent messages) and the 3,000 that waited were published after it.
    const auto messages = queues.Take(8000, 30s);
    std::set<std::string> keys;
    for (const auto& message : messages) {
        keys.insert(message.message_id);
    }
    std::set<std::string> expected;
    for (const auto& row : db.Sql().Query("SELECT idempotency_key FROM outbox")) {
        expected.insert(*row[0]);
    }
    EXPECT_EQ(keys, expected);

    poller.Signal(SIGTERM);
    const auto result = poller.Wait();
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("\"msg\":\"recovered\""), std::string::npos);
}

}  // namespace
}  // namespace bulkmsg
