// Tests that take a server of the shared local stack away. They run serially (RUN_SERIAL in CMake),
// never next to the tests that need that server.
#include <thread>

#include "outage/poller_under_test.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;

TEST(BrokerOutageTest, PollerSurvivesARabbitMqRestartAndLosesNoRow) {
    testing::MigratedDatabase db;
    testing::TestQueues queues;
    const auto campaign = db.InsertCampaign();
    db.InsertOutbox(campaign, 5000);
    testing::PollerUnderTest poller(db, queues, {{"POLL_BATCH_SIZE", "500"}});
    ASSERT_TRUE(testing::WaitUntil([&] { return db.Count("status='queued'") == 5000; }, 60s)) << poller.Output();
    ASSERT_EQ(poller.Ready(), 200u);

    // The broker goes away with rows still arriving.
    ASSERT_EQ(testing::RunStackScript({"stop", "rabbit"}).exit_code, 0);
    db.InsertOutbox(campaign, 3000);
    EXPECT_TRUE(testing::WaitUntil([&] { return poller.Ready() == 503; }, 20s));
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(db.Count("status='pending'"), 3000u) << "rows were marked queued while the broker was down";
    EXPECT_EQ(poller.Live(), 200u) << "the poller must keep running";

    const auto started = testing::RunStackScript({"start", "rabbit"});
    ASSERT_EQ(started.exit_code, 0) << started.output;
    EXPECT_TRUE(testing::WaitUntil([&] { return db.Count("status='queued'") == 8000; }, 90s)) << poller.Output();
    EXPECT_TRUE(testing::WaitUntil([&] { return poller.Ready() == 200; }, 20s));

    // The 5,000 confirmed before the restart survived it (durable queue, persistent messages) and the 3,000 that
    // waited were published after it.
    poller.ExpectEveryRowInTheQueue(8000);
    poller.StopExpectingRecovery();
}

}  // namespace
}  // namespace bulkmsg
