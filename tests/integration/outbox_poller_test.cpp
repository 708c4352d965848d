#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <thread>

#include "adapters/amqp/amqp_publisher.hpp"
#include "adapters/mysql/mysql_outbox_store.hpp"
#include "adapters/mysql/mysql_preparation_store.hpp"
#include "app/campaign_preparer.hpp"
#include "app/outbox_relay.hpp"
#include "domain/campaign_request.hpp"
#include "domain/sha256.hpp"
#include "domain/traceparent.hpp"
#include "support/fake_clock.hpp"
#include "support/outbox_fixture.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;
using domain::ClaimKind;

// The real relay (MySQL store, AMQP publisher) against the local stack, with test-owned queues.
class OutboxPollerTest : public ::testing::Test {
protected:
    struct Poller {
        Poller(const domain::DatabaseConfig& db, const amqp::Topology& topology, app::Clock& clock,
               std::size_t batch_size, std::size_t queue_batch_size = 1)
            : store(db),
              publisher(testing::StackConfig().rabbitmq, topology, 10s),
              relay(store, publisher, clock, random, Options(batch_size, queue_batch_size), stats) {}
        static app::RelayOptions Options(std::size_t batch_size, std::size_t queue_batch_size) {
            app::RelayOptions options{batch_size, 900s, 50ms};
            options.queue_batch_size = queue_batch_size;
            return options;
        }
        mysql::MysqlOutboxStore store;
        amqp::AmqpPublisher publisher;
        app::SystemRandom random;
        app::RelayStats stats;
        app::OutboxRelay relay;
    };

    std::unique_ptr<Poller> MakePoller(std::size_t batch_size = 1000) {
        return std::make_unique<Poller>(db_.Config(), queues_.Topology(), clock_, batch_size);
    }

    testing::MigratedDatabase db_;
    testing::TestQueues queues_;
    app::SystemClock clock_;
};

TEST_F(OutboxPollerTest, PublishesEveryPendingRowWithTheOriginalBodyAndProperties) {
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 50);
    auto poller = MakePoller();
    EXPECT_FALSE(poller->relay.PollOnce());

    EXPECT_EQ(db_.Count("status='queued' AND queued_at IS NOT NULL"), 50u);
    auto messages = queues_.Take(50, 10s);
    ASSERT_EQ(messages.size(), 50u);
    std::set<std::string> keys;
    for (const auto& message : messages) {
        auto body = nlohmann::json::parse(message.body);
        const auto id = body.at("outboxId").get<std::uint64_t>();
        const auto row =
            db_.Sql().Query("SELECT idempotency_key, user_ref, kind FROM outbox WHERE id=" + std::to_string(id));
        ASSERT_EQ(row.size(), 1u);
        EXPECT_EQ(body.at("idempotencyKey"), *row[0][0]);
        EXPECT_EQ(body.at("userRef"), *row[0][1]);
        EXPECT_EQ(body.at("kind"), *row[0][2]);
        EXPECT_EQ(body.at("campaignId"), campaign);
        EXPECT_EQ(body.size(), 5u);
        EXPECT_EQ(message.message_id, *row[0][0]);
        EXPECT_EQ(message.content_type, "application/json");
        EXPECT_EQ(message.delivery_mode, 2);
        EXPECT_EQ(message.attempt, 1);
        EXPECT_TRUE(domain::IsValidTraceparent(message.traceparent)) << message.traceparent;
        keys.insert(message.message_id);
    }
    EXPECT_EQ(keys.size(), 50u);
    EXPECT_EQ(poller->stats.published, 50u);
}

TEST_F(OutboxPollerTest, TwoPollersPublishEachOf20000RowsExactlyOnce) {
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 20000);
    auto first = MakePoller();
    auto second = MakePoller();
    app::StopToken stop;
    std::thread a([&] { first->relay.Run(stop); });
    std::thread b([&] { second->relay.Run(stop); });
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (db_.Count("status='queued'") < 20000 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(100ms);
    }
    stop.RequestStop();
    a.join();
    b.join();

    EXPECT_EQ(db_.Count("status='queued'"), 20000u);
    EXPECT_EQ(first->stats.published + second->stats.published, 20000u);
    EXPECT_EQ(first->stats.errors + second->stats.errors, 0u);
    auto messages = queues_.Take(20000, 30s);
    EXPECT_EQ(queues_.Depth(), 0u);  // a duplicate would still be waiting
    std::set<std::string> keys;
    for (const auto& message : messages) {
        keys.insert(message.message_id);
    }
    EXPECT_EQ(messages.size(), 20000u);
    EXPECT_EQ(keys.size(), 20000u);
    EXPECT_EQ(std::stoull(db_.Value("SELECT COUNT(DISTINCT idempotency_key) FROM outbox")), keys.size());
}

TEST_F(OutboxPollerTest, BatchesCarryUpToQueueBatchSizeRowsOfOneCampaignAndChannelEachOnce) {
    const auto first = db_.InsertCampaign();
    const auto second = db_.InsertCampaign();
    db_.InsertOutbox(first, 250);
    db_.InsertOutbox(second, 30);
    db_.Sql().Execute("UPDATE outbox SET kind='sms' WHERE campaign_id=" + std::to_string(first) + " AND id % 5 = 0");
    Poller poller(db_.Config(), queues_.Topology(), clock_, 1000, 100);
    EXPECT_FALSE(poller.relay.PollOnce());

    EXPECT_EQ(db_.Count("status='queued'"), 280u);
    // first: 200 email rows (2 messages) and 50 sms (1); second: 30 email (1).
    const auto messages = queues_.Take(10, 5s);
    ASSERT_EQ(messages.size(), 4u);
    std::set<std::uint64_t> ids;
    for (const auto& message : messages) {
        const auto body = nlohmann::json::parse(message.body);
        ASSERT_TRUE(body.is_array());
        EXPECT_LE(body.size(), 100u);
        std::string keys;
        for (const auto& item : body) {
            EXPECT_EQ(item.at("campaignId"), body[0].at("campaignId"));
            EXPECT_EQ(item.at("kind"), body[0].at("kind"));
            EXPECT_EQ(item.at("attempt"), 1);
            EXPECT_TRUE(domain::IsValidTraceparent(item.at("traceparent").get<std::string>()));
            const auto id = item.at("outboxId").get<std::uint64_t>();
            EXPECT_TRUE(ids.insert(id).second) << "row " << id << " published twice";
            EXPECT_EQ(item.at("idempotencyKey"),
                      db_.Value("SELECT idempotency_key FROM outbox WHERE id=" + std::to_string(id)));
            keys += (keys.empty() ? "" : ",") + item.at("idempotencyKey").get<std::string>();
        }
        EXPECT_EQ(message.message_id, "batch-" + domain::Sha256Hex(keys));
        EXPECT_EQ(message.delivery_mode, 2);
    }
    EXPECT_EQ(ids.size(), 280u);
    EXPECT_EQ(poller.stats.published, 280u);
}

TEST_F(OutboxPollerTest, DueRetriesAndStaleQueuedRowsAreRepublishedOthersAreNotTouched) {
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 3, {{"status", "'sent'"}, {"available_at", "'2020-01-01'"}, {"attempts", "1"}});
    db_.InsertOutbox(campaign, 4, {{"status", "'failed'"}, {"available_at", "'2020-01-01'"}, {"attempts", "3"}});
    db_.InsertOutbox(campaign, 5,
                     {{"status", "'retrying'"}, {"available_at", "NOW(6) + INTERVAL 5 MINUTE"}, {"attempts", "1"}});
    db_.InsertOutbox(campaign, 6,
                     {{"status", "'retrying'"}, {"available_at", "NOW(6) - INTERVAL 1 SECOND"}, {"attempts", "2"}});
    // A queued row's lease runs from available_at, set with queued_at when it is published (migration 011).
    const auto queued = [](const std::string& at) {
        return std::map<std::string, std::string>{{"status", "'queued'"}, {"queued_at", at}, {"available_at", at}};
    };
    db_.InsertOutbox(campaign, 7, queued("NOW(6) - INTERVAL 901 SECOND"));
    db_.InsertOutbox(campaign, 8, queued("NOW(6) - INTERVAL 60 SECOND"));
    const std::string untouched =
        "SELECT id, status, updatedAt, queued_at FROM outbox WHERE status IN ('sent','failed') OR "
        "(status='retrying' AND available_at > NOW(6)) OR (status='queued' AND queued_at > NOW(6) - INTERVAL 900 "
        "SECOND) "
        "ORDER BY id";
    const auto untouched_before = db_.Sql().Query(untouched);
    ASSERT_EQ(untouched_before.size(), 20u);

    auto poller = MakePoller();
    poller->relay.PollOnce();

    auto messages = queues_.Take(13, 5s);
    ASSERT_EQ(messages.size(), 13u);  // 6 due retries + 7 stale
    EXPECT_EQ(queues_.Depth(), 0u);
    std::map<std::int64_t, int> by_attempt;
    for (const auto& message : messages) {
        by_attempt[message.attempt.value_or(-1)]++;
    }
    EXPECT_EQ(by_attempt, (std::map<std::int64_t, int>{{1, 7}, {3, 6}}));
    EXPECT_EQ(db_.Count("status='queued' AND queued_at > NOW(6) - INTERVAL 60 SECOND AND available_at = queued_at"),
              13u);
    EXPECT_EQ(db_.Count("status='retrying'"), 5u);
    EXPECT_EQ(poller->stats.republished_stale, 7u);
    std::string ids;
    for (const auto& row : untouched_before) {
        ids += ids.empty() ? "" : ",";
        ids += row[0].value_or("");
    }
    EXPECT_EQ(
        db_.Sql().Query("SELECT id, status, updatedAt, queued_at FROM outbox WHERE id IN (" + ids + ") ORDER BY id"),
        untouched_before);
}

TEST_F(OutboxPollerTest, RowsOfPausedAndCancelledCampaignsAreNotPublished) {
    const auto running = db_.InsertCampaign("running");
    const auto paused = db_.InsertCampaign("paused");
    const auto cancelled = db_.InsertCampaign("cancelled");
    db_.InsertOutbox(running, 2);
    db_.InsertOutbox(paused, 3);
    db_.InsertOutbox(cancelled, 4);
    testing::FakeClock clock(domain::Clock::now());
    Poller poller(db_.Config(), queues_.Topology(), clock, 1000);
    poller.relay.PollOnce();
    EXPECT_EQ(db_.Count("status='queued'"), 2u);
    EXPECT_EQ(db_.Count("status='queued' AND campaign_id=" + std::to_string(running)), 2u);

    // A resumed campaign is published again once the store's one-second view of paused campaigns is renewed.
    db_.Sql().Execute("UPDATE campaigns SET status='running' WHERE id=" + std::to_string(paused));
    poller.relay.PollOnce();
    EXPECT_EQ(db_.Count("status='queued'"), 2u);
    clock.Advance(1s);
    poller.relay.PollOnce();
    EXPECT_EQ(db_.Count("status='queued'"), 5u);
    EXPECT_EQ(queues_.Take(5, 3s).size(), 5u);
    EXPECT_EQ(queues_.Depth(), 0u);
}

// SMS quiet hours (TCPA 08:00-21:00 in the recipient's zone): a campaign prepared at 22:00 New York time publishes
// nothing overnight, and everything at 08:00.
TEST_F(OutboxPollerTest, SmsPreparedInQuietHoursIsPublishedFromEightLocal) {
    const auto campaign = db_.InsertCampaign("preparing");
    const auto id = std::to_string(campaign);
    db_.Sql().Execute(
        "UPDATE campaigns SET kind='sms', quiet_hours='{\"start\":\"08:00\",\"end\":\"21:00\"}' WHERE id=" + id);
    db_.Sql().Execute("INSERT INTO campaign_targets (campaign_id, user_ref, kind, timezone) VALUES (" + id +
                      ",'+14155550100','sms','America/New_York'),(" + id +
                      ",'+14155550101','sms','America/New_York'),(" + id + ",'+14155550102','sms','America/New_York')");
    const auto ten_pm = *domain::ParseRfc3339("2026-12-01T22:00:00-05:00");
    mysql::MysqlPreparationStore store(db_.Config());
    app::CampaignPreparer preparer(store, {"noreply@example.com", "+15005550006"}, 1000);
    ASSERT_EQ(preparer.Prepare(campaign, ten_pm).inserted, 3u);
    db_.Sql().Execute("UPDATE campaigns SET status='running' WHERE id=" + id);
    EXPECT_EQ(db_.Count("available_at='2026-12-02 13:00:00'"), 3u);  // 08:00 EST

    testing::FakeClock clock(ten_pm);
    Poller poller(db_.Config(), queues_.Topology(), clock, 1000);
    poller.relay.PollOnce();
    clock.Advance(std::chrono::minutes(9 * 60 + 59));  // 07:59
    poller.relay.PollOnce();
    EXPECT_EQ(db_.Count("status='queued'"), 0u);
    EXPECT_EQ(queues_.Depth(), 0u);
    clock.Advance(1min);  // 08:00
    poller.relay.PollOnce();
    EXPECT_EQ(db_.Count("status='queued'"), 3u);
    EXPECT_EQ(queues_.Take(3, 3s).size(), 3u);
}

// A broker policy that rejects publishes beyond 10 queued messages makes RabbitMQ nack them: exactly the
// acked rows become queued and the nacked ones stay pending for a later poll.
TEST_F(OutboxPollerTest, RowsTheBrokerNacksStayPending) {
    const auto& queue = queues_.Topology().queue;
    const auto vhost = testing::StackConfig().rabbitmq.vhost;
    const auto policy = "nack-" + queue;
    EXPECT_EQ(queues_.Depth(), 0u);  // declares the queues
    const auto set = testing::RabbitmqCtl({"set_policy", "-p", vhost, policy, "^" + queue + "$",
                                           R"({"max-length":10,"overflow":"reject-publish"})", "--apply-to", "queues"});
    ASSERT_EQ(set.exit_code, 0) << set.output;
    ASSERT_TRUE(testing::WaitUntil(
        [&] {
            const auto listed = testing::RabbitmqCtl({"-q", "list_queues", "-p", vhost, "name", "policy"});
            return listed.output.find(queue + "\t" + policy) != std::string::npos;
        },
        20s));
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 25);
    auto poller = MakePoller(10);
    poller->relay.PollOnce();
    testing::RabbitmqCtl({"clear_policy", "-p", testing::StackConfig().rabbitmq.vhost, policy});

    // The queue process may apply a new policy a moment after it is listed, so the exact split is not fixed;
    // what must hold is that exactly the rows whose messages the broker kept are queued.
    const auto queued = db_.Count("status='queued'");
    EXPECT_GE(queued, 10u);
    EXPECT_GT(poller->stats.nacked, 0u);
    EXPECT_EQ(db_.Count("status='pending'"), poller->stats.nacked);
    EXPECT_EQ(queued + poller->stats.nacked, 25u);
    const auto messages = queues_.Take(queued, 5s);
    ASSERT_EQ(messages.size(), queued);
    EXPECT_EQ(queues_.Depth(), 0u);
    for (const auto& message : messages) {
        EXPECT_EQ(db_.Value("SELECT status FROM outbox WHERE idempotency_key='" + message.message_id + "'"), "queued");
    }
}

TEST_F(OutboxPollerTest, RowFinishedByAConsumerDuringTheClaimKeepsItsStatus) {
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 1,
                     {{"status", "'queued'"},
                      {"queued_at", "NOW(6) - INTERVAL 1000 SECOND"},
                      {"available_at", "NOW(6) - INTERVAL 1000 SECOND"}});
    mysql::MysqlOutboxStore store(db_.Config());
    auto claim = store.Claim(ClaimKind::kStaleQueued, clock_.Now(), 900s, 10);
    ASSERT_EQ(claim->Rows().size(), 1u);
    // The claim's row lock makes a consumer's update wait; with the lock gone the consumer wins, so the
    // commit's status guard is what protects a row a consumer already moved on. Simulate that order.
    claim.reset();
    db_.Sql().Execute("UPDATE outbox SET status='sent' WHERE id=1");
    auto stale = store.Claim(ClaimKind::kStaleQueued, clock_.Now(), 900s, 10);
    EXPECT_TRUE(stale->Rows().empty());
    EXPECT_EQ(stale->CommitQueued({1}, clock_.Now()), 0u);
    EXPECT_EQ(db_.Value("SELECT status FROM outbox WHERE id=1"), "sent");
}

TEST_F(OutboxPollerTest, SecondClaimSkipsLockedRowsInsteadOfWaiting) {
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 3000);
    mysql::MysqlOutboxStore first(db_.Config());
    mysql::MysqlOutboxStore second(db_.Config());
    auto a = first.Claim(ClaimKind::kPending, clock_.Now(), 900s, 1000);
    const auto started = std::chrono::steady_clock::now();
    auto b = second.Claim(ClaimKind::kPending, clock_.Now(), 900s, 1000);
    ASSERT_EQ(a->Rows().size(), 1000u);
    ASSERT_EQ(b->Rows().size(), 1000u);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);  // a lock wait would take innodb_lock_wait_timeout
    EXPECT_LT(a->Rows().back().id, b->Rows().front().id);
}

// EXPLAIN every claim statement as it runs, on a table with a realistic mix of statuses: each must walk
// its index in order. A filesort would read and lock every matching row before the LIMIT.
TEST_F(OutboxPollerTest, EveryClaimFollowsItsIndexWithoutFilesort) {
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 5000);
    db_.InsertOutbox(campaign, 2000, {{"status", "'sent'"}});
    db_.InsertOutbox(campaign, 500, {{"status", "'retrying'"}});
    db_.InsertOutbox(campaign, 500, {{"status", "'queued'"}, {"queued_at", "NOW(6)"}, {"available_at", "NOW(6)"}});
    db_.InsertOutbox(campaign, 300, {{"status", "'sending'"}, {"sending_at", "NOW(6)"}, {"available_at", "NOW(6)"}});
    db_.Sql().Execute("ANALYZE TABLE outbox");
    const std::string index = "idx_outbox_claim";
    for (const auto& excluded : {std::vector<std::string>{}, std::vector<std::string>{"2", "3"}}) {
        for (const auto kind :
             {ClaimKind::kPending, ClaimKind::kDueRetry, ClaimKind::kStaleQueued, ClaimKind::kStaleSending}) {
            const auto sql = mysql::ClaimSql(kind, clock_.Now(), 900s, 1000, excluded);
            const auto plan = db_.Sql().Query("EXPLAIN " + sql);
            ASSERT_EQ(plan.size(), 1u) << sql;
            std::string text;
            for (const auto& cell : plan[0]) {
                text += cell.value_or("NULL") + " | ";
            }
            EXPECT_NE(text.find(index), std::string::npos) << sql << "\n" << text;
            EXPECT_EQ(text.find("filesort"), std::string::npos) << sql << "\n" << text;
        }
    }
}

TEST_F(OutboxPollerTest, TopologyIsDurableAndDeadLettersToTheFailedQueue) {
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 1);
    auto poller = MakePoller();
    poller->relay.PollOnce();
    // Rejected without requeue, the broker must move it to the dead-letter queue.
    ASSERT_TRUE(queues_.RejectOne());
    std::uint64_t dead = 0;
    for (int i = 0; i < 50 && dead == 0; ++i) {
        std::this_thread::sleep_for(50ms);
        dead = queues_.DeadLetterDepth();
    }
    EXPECT_EQ(dead, 1u);
    EXPECT_EQ(queues_.Depth(), 0u);
    // Declaring again with the same arguments is accepted (idempotent start-up of every role).
    EXPECT_TRUE(queues_.RedeclareAs(queues_.Topology().queue_type));
}

TEST_F(OutboxPollerTest, QuorumQueuesWhenConfigured) {
    testing::TestQueues quorum("quorum");
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 200);
    Poller poller(db_.Config(), quorum.Topology(), clock_, 1000);
    poller.relay.PollOnce();
    EXPECT_EQ(db_.Count("status='queued'"), 200u);
    EXPECT_EQ(quorum.Take(200, 10s).size(), 200u);
    // A queue's type is fixed when it is declared: the broker refuses to re-declare it as the other type.
    EXPECT_TRUE(quorum.RedeclareAs("quorum"));
    EXPECT_FALSE(quorum.RedeclareAs("classic"));
    EXPECT_TRUE(queues_.RedeclareAs("classic"));
    EXPECT_FALSE(queues_.RedeclareAs("quorum"));
}

}  // namespace
}  // namespace bulkmsg
