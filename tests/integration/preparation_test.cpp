#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>

#include "adapters/mysql/mysql_preparation_store.hpp"
#include "app/campaign_preparer.hpp"
#include "support/fake_clock.hpp"
#include "support/outbox_fixture.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;

class PreparationTest : public ::testing::Test {
protected:
    std::uint64_t InsertCampaign(const std::string& status, const std::string& scheduled_at = "NULL") {
        db_.Sql().Execute(
            "INSERT INTO campaigns (name, kind, status, scheduled_at, template_subject, template_text, template_html) "
            "VALUES ('prep', 'email', '" +
            status + "', " + scheduled_at +
            ", 'Hi {{first_name}}', 'Hello {{first_name}}', '<p>{{first_name}} &amp; co</p>')");
        return std::stoull(db_.Value("SELECT LAST_INSERT_ID()"));
    }
    void InsertTargets(std::uint64_t campaign, int count) {
        db_.Sql().Execute("INSERT INTO campaign_targets (campaign_id, user_ref, kind, metadata) SELECT " +
                          std::to_string(campaign) +
                          ", CONCAT('user', seq, '@example.com'), 'email', JSON_OBJECT('first_name', CONCAT('F', seq)) "
                          "FROM seq_1_to_" +
                          std::to_string(count));
    }
    app::CampaignPreparer Preparer(mysql::MysqlPreparationStore& store) {
        return app::CampaignPreparer(store, {"noreply@example.com", "+15005550006"}, 1000);
    }

    testing::MigratedDatabase db_;
    testing::FakeRandom random_;
};

TEST_F(PreparationTest, EveryTargetLandsInTheOutboxOnceWithTheOriginalKeyFormula) {
    const auto campaign = InsertCampaign("draft");
    InsertTargets(campaign, 2500);
    mysql::MysqlPreparationStore store(db_.Config());
    const auto report = Preparer(store).Prepare(campaign, domain::Clock::now());
    EXPECT_EQ(report.targets, 2500u);
    EXPECT_EQ(report.inserted, 2500u);
    EXPECT_EQ(db_.Count("status='pending'"), 2500u);
    // The key, recomputed by MySQL itself from the stored columns.
    EXPECT_EQ(
        db_.Count("idempotency_key = CONVERT(SHA2(CONCAT(campaign_id, ':', user_ref, ':', kind), 256) USING ascii)"),
        2500u);
    EXPECT_EQ(db_.Count("target_id IS NOT NULL"), 2500u);
    const auto payload =
        nlohmann::json::parse(db_.Value("SELECT payload FROM outbox WHERE user_ref='user7@example.com'"));
    EXPECT_EQ(payload, (nlohmann::json{{"to", "user7@example.com"},
                                       {"from", "noreply@example.com"},
                                       {"subject", "Hi F7"},
                                       {"text", "Hello F7"},
                                       {"html", "<p>F7 &amp; co</p>"}}));
}

// A long suppression list (unsubscribes, bounces) is looked up once per batch: it must be an index range read of
// the batch's addresses, not a scan of the whole list (which the row-constructor IN list it replaced was).
TEST_F(PreparationTest, SuppressionsOfABatchAreAnIndexLookupAndMatchAddressesInAnyCase) {
    db_.Sql().Execute(
        "INSERT INTO suppressions (channel, address, reason) SELECT 'email', CONCAT('gone', seq, '@example.com'), "
        "'unsubscribed' FROM seq_1_to_20000");
    db_.Sql().Execute("INSERT INTO suppressions (channel, address, reason) VALUES ('sms', '+15005550006', 'stop')");
    db_.Sql().Execute("ANALYZE TABLE suppressions");
    const std::vector<app::StoredTarget> targets = {{1, {"GONE7@example.com", domain::Channel::kEmail}},
                                                    {2, {"kept@example.com", domain::Channel::kEmail}},
                                                    {3, {"+15005550006", domain::Channel::kSms}},
                                                    {4, {"gone8@example.com", domain::Channel::kSms}}};
    const auto plan = db_.Sql().Query("EXPLAIN " + mysql::SuppressionsOfSql(db_.Sql(), targets));
    ASSERT_EQ(plan.size(), 1u);
    EXPECT_EQ(plan[0].at(3).value_or(""), "range");
    EXPECT_EQ(plan[0].at(5).value_or(""), "uq_suppressions_address");
    mysql::MysqlPreparationStore store(db_.Config());
    const auto suppressed = store.Suppressed(targets);
    EXPECT_EQ(suppressed,
              (std::map<std::uint64_t, std::string>{{1, "suppressed: unsubscribed"}, {3, "suppressed: stop"}}));
}

TEST_F(PreparationTest, RerunAfterAnInterruptionFillsTheGapsAndDuplicatesNothing) {
    const auto campaign = InsertCampaign("preparing");
    InsertTargets(campaign, 3000);
    mysql::MysqlPreparationStore store(db_.Config());
    Preparer(store).Prepare(campaign, domain::Clock::now());
    // Lose some rows as if the process had died before their batches committed.
    db_.Sql().Execute("DELETE FROM outbox WHERE target_id % 3 = 0 OR target_id > 2500");
    const auto left = db_.Count("1");
    const auto report = Preparer(store).Prepare(campaign, domain::Clock::now());
    EXPECT_EQ(report.inserted, 3000u - left);
    EXPECT_EQ(db_.Count("1"), 3000u);
    EXPECT_EQ(db_.Value("SELECT COUNT(DISTINCT target_id) FROM outbox"), "3000");
    EXPECT_EQ(Preparer(store).Prepare(campaign, domain::Clock::now()).inserted, 0u);
}

// A poller SIGKILLed while it prepares a campaign, then another poller: every target ends in the outbox exactly once.
TEST_F(PreparationTest, PollerKilledMidwayThroughPreparationAndStartedAgainLeavesEveryTargetOnce) {
    constexpr std::uint64_t kTargets = 100'000;
    const auto campaign = InsertCampaign("preparing");
    InsertTargets(campaign, static_cast<int>(kTargets));
    testing::TestQueues queues;
    auto env = queues.Env();
    // The relay publishes one row per kind a second, so the run measures preparation, not 100,000 publishes.
    env.merge(std::map<std::string, std::string>{{"DB_NAME", db_.Config().name},
                                                 {"POLL_INTERVAL_MS", "100"},
                                                 {"POLL_BATCH_SIZE", "1"},
                                                 {"POLL_DRAIN", "false"}});
    const auto start_poller = [&] {
        env["METRICS_PORT"] = std::to_string(testing::FreePort());
        return std::make_unique<testing::ChildProcess>(std::vector<std::string>{BULKMSG_BINARY, "poller"},
                                                       testing::BulkmsgEnv(env), testing::EmptyWorkDir());
    };
    const auto status = "SELECT status FROM campaigns WHERE id=" + std::to_string(campaign);

    auto first = start_poller();
    ASSERT_TRUE(testing::WaitUntil([&] { return db_.Count("1") >= kTargets / 4; }, 60s, 5ms)) << first->OutputSoFar();
    first->Signal(SIGKILL);
    first->Wait();
    const auto at_kill = db_.Count("1");
    ASSERT_LT(at_kill, kTargets) << "preparation finished before the kill";
    std::printf("poller SIGKILL during preparation: %llu of %llu outbox rows written\n",
                static_cast<unsigned long long>(at_kill), static_cast<unsigned long long>(kTargets));
    EXPECT_EQ(db_.Value(status), "preparing");

    auto second = start_poller();
    EXPECT_TRUE(testing::WaitUntil([&] { return db_.Value(status) == "running"; }, 60s)) << second->OutputSoFar();
    EXPECT_EQ(db_.Count("1"), kTargets);
    EXPECT_EQ(db_.Value("SELECT COUNT(DISTINCT target_id) FROM outbox"), std::to_string(kTargets));
    EXPECT_EQ(db_.Value("SELECT COUNT(DISTINCT idempotency_key) FROM outbox"), std::to_string(kTargets));
    second->Signal(SIGTERM);
    EXPECT_EQ(second->Wait().exit_code, 0);
}

TEST_F(PreparationTest, SchedulerStartsDueCampaignsAndOnlyOneProcessHoldsTheLock) {
    const auto due = InsertCampaign("scheduled", "NOW(6) - INTERVAL 1 MINUTE");
    const auto later = InsertCampaign("scheduled", "NOW(6) + INTERVAL 1 HOUR");
    InsertTargets(due, 10);
    mysql::MysqlPreparationStore holder(db_.Config());
    mysql::MysqlPreparationStore other(db_.Config());
    ASSERT_TRUE(holder.TryAcquireSchedulerLock());
    EXPECT_FALSE(other.TryAcquireSchedulerLock());
    EXPECT_EQ(Preparer(other).RunDue(domain::Clock::now()), 0u);
    EXPECT_EQ(db_.Value("SELECT status FROM campaigns WHERE id=" + std::to_string(due)), "scheduled");

    EXPECT_EQ(Preparer(holder).RunDue(domain::Clock::now()), 1u);
    EXPECT_EQ(db_.Value("SELECT status FROM campaigns WHERE id=" + std::to_string(due)), "running");
    EXPECT_EQ(db_.Value("SELECT status FROM campaigns WHERE id=" + std::to_string(later)), "scheduled");
    EXPECT_EQ(db_.Count("campaign_id=" + std::to_string(due)), 10u);
    EXPECT_EQ(db_.Value("SELECT GROUP_CONCAT(event, ':', actor ORDER BY id) FROM campaign_events WHERE campaign_id=" +
                        std::to_string(due)),
              "started:scheduler,prepared:scheduler");
}

// A database restored with a campaign scheduled two days ago: the scheduler flags it instead of starting it.
TEST_F(PreparationTest, ScheduleMissedLongAgoIsFlaggedNotStarted) {
    const auto stale = InsertCampaign("scheduled", "NOW(6) - INTERVAL 2 DAY");
    InsertTargets(stale, 3);
    mysql::MysqlPreparationStore store(db_.Config());
    EXPECT_EQ(Preparer(store).RunDue(domain::Clock::now()), 0u);
    EXPECT_EQ(db_.Value("SELECT status FROM campaigns WHERE id=" + std::to_string(stale)), "scheduled");
    EXPECT_EQ(db_.Value("SELECT GROUP_CONCAT(event) FROM campaign_events WHERE campaign_id=" + std::to_string(stale)),
              "schedule_missed");
    EXPECT_EQ(Preparer(store).RunDue(domain::Clock::now()), 0u);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaign_events"), "1") << "flagged once, not on every run";
    EXPECT_NE(
        db_.Value("SELECT status_reason FROM campaigns WHERE id=" + std::to_string(stale)).find("missed schedule"),
        std::string::npos);
    EXPECT_EQ(db_.Count("1"), 0u);
}

TEST_F(PreparationTest, RowsOfACampaignCancelledDuringPreparationEndCancelled) {
    const auto campaign = InsertCampaign("preparing");
    InsertTargets(campaign, 50);
    mysql::MysqlPreparationStore store(db_.Config());
    Preparer(store).Prepare(campaign, domain::Clock::now());
    db_.Sql().Execute("UPDATE campaigns SET status='cancelled' WHERE id=" + std::to_string(campaign));
    store.FinishPreparation(campaign, true);
    EXPECT_EQ(db_.Value("SELECT status FROM campaigns WHERE id=" + std::to_string(campaign)), "cancelled");
    EXPECT_EQ(db_.Count("status='cancelled' AND last_error='cancelled'"), 50u);
}

// The poller process as deployed: a campaign scheduled in the past is prepared by its scheduler duty and its
// rows are relayed to the queue.
TEST_F(PreparationTest, PollerProcessPreparesAScheduledCampaignAndPublishesIt) {
    testing::TestQueues queues;
    const auto campaign = InsertCampaign("scheduled", "NOW(6) - INTERVAL 1 SECOND");
    InsertTargets(campaign, 300);
    auto env = queues.Env();
    env.merge(std::map<std::string, std::string>{{"DB_NAME", db_.Config().name},
                                                 {"METRICS_PORT", std::to_string(testing::FreePort())},
                                                 {"POLL_INTERVAL_MS", "100"}});
    testing::ChildProcess poller({BULKMSG_BINARY, "poller"}, testing::BulkmsgEnv(env), testing::EmptyWorkDir());
    EXPECT_TRUE(testing::WaitUntil([&] { return db_.Count("status='queued'") == 300; }, 30s)) << poller.OutputSoFar();
    EXPECT_EQ(db_.Value("SELECT status FROM campaigns WHERE id=" + std::to_string(campaign)), "running");
    EXPECT_EQ(queues.TakeItems(300, 10s).size(), 300u);
    poller.Signal(SIGTERM);
    const auto result = poller.Wait();
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_NE(result.output.find("\"msg\":\"campaign prepared\""), std::string::npos) << result.output;
}

}  // namespace
}  // namespace bulkmsg
