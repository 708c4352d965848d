// Batch messages (QUEUE_BATCH_SIZE > 1) through `bulkmsg consumer` on the real stack: each item ends on its own, the
// message is acknowledged once every item is stored, and single-object messages of older producers still work.
#include <gtest/gtest.h>

#include "support/delivery_fixture.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;

class BatchDeliveryTest : public testing::DeliveryFixture {
protected:
    /// A batch item naming outbox row `id` as the poller writes it.
    std::string Item(const std::string& id) {
        const auto row =
            db_.Sql().Query("SELECT idempotency_key, campaign_id, user_ref, kind FROM outbox WHERE id=" + id);
        return R"({"outboxId":)" + id + R"(,"idempotencyKey":")" + *row.at(0)[0] + R"(","campaignId":)" +
               *row.at(0)[1] + R"(,"userRef":")" + *row.at(0)[2] + R"(","kind":")" + *row.at(0)[3] +
               R"(","attempt":1,"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})";
    }
    std::string IdOf(const std::string& user_ref) {
        return db_.Value("SELECT id FROM outbox WHERE user_ref='" + user_ref + "'");
    }
    std::string StatusOf(const std::string& user_ref) {
        return db_.Value("SELECT CONCAT(status, ' ', attempts) FROM outbox WHERE user_ref='" + user_ref + "'");
    }
};

TEST_F(BatchDeliveryTest, ABatchWhoseItemsEndDifferentlyIsAcknowledgedOnceEveryItemIsSettled) {
    const auto campaign = db_.InsertCampaign();
    Insert(campaign, "sms", 3, "ELT(seq, '+14155550100', '+15005550001', '+15005550004')");
    Insert(campaign, "sms", 1, "'+14155550101'");
    db_.Sql().Execute("UPDATE outbox SET status='suppressed', last_error='on the list' WHERE user_ref='+14155550101'");
    Insert(campaign, "email", 1, "'retry@example.com'");  // its provider is unreachable: retrying
    const auto paused = db_.InsertCampaign("paused");
    Insert(paused, "sms", 1, "'+14155550102'");
    db_.Sql().Execute(
        "UPDATE outbox SET status='queued', queued_at=NOW(6), available_at=NOW(6) WHERE status='pending'");

    std::string batch = "[";
    for (const auto* user :
         {"+14155550100", "+15005550001", "+15005550004", "+14155550101", "retry@example.com", "+14155550102"}) {
        batch += Item(IdOf(user)) + ",";
    }
    batch += R"({"idempotencyKey":"no-id","campaignId":1,"userRef":"x","kind":"sms"}])";
    queues_.Publish(batch);
    auto consumer = Start("consumer", {{"EMAIL_PROVIDER", "sendgrid"},
                                       {"SENDGRID_BASE_URL", "http://127.0.0.1:" + std::to_string(testing::FreePort())},
                                       {"RETRY_DELAY_SECONDS", "600"}});
    ASSERT_TRUE(testing::WaitUntil([&] { return db_.Count("status IN ('queued','sending')") == 0; }, 30s))
        << consumer->OutputSoFar().substr(0, 4000);

    EXPECT_EQ(StatusOf("+14155550100"), "sent 1");
    EXPECT_EQ(StatusOf("+15005550001"), "failed 1");
    EXPECT_EQ(StatusOf("+15005550004"), "failed 1");
    EXPECT_EQ(StatusOf("+14155550101"), "suppressed 0") << "a suppressed row is never sent";
    EXPECT_EQ(StatusOf("retry@example.com"), "retrying 1");
    EXPECT_EQ(StatusOf("+14155550102"), "pending 0") << "its campaign is paused";
    EXPECT_EQ(db_.Value("SELECT GROUP_CONCAT(address) FROM suppressions"), "+15005550004");
    EXPECT_EQ(sim_.Stats()["accepted"], 1);
    // Two permanent failures and the item without an outbox id; the batch itself is acknowledged.
    EXPECT_TRUE(testing::WaitUntil([&] { return queues_.DeadLetterDepth() == 3; }, 10s)) << queues_.DeadLetterDepth();
    Stop(consumer);
    EXPECT_EQ(queues_.Depth(), 0u) << "an unacknowledged batch would be back in the queue after the consumer stopped";
}

// The copy of a batch requeued after a stop mid-batch: one item had been given back unsent ('queued'), the other's
// outcome was already stored as 'retrying' with its backoff ahead. Only the first is sent; the second waits.
TEST_F(BatchDeliveryTest, ARedeliveredBatchLeavesAnItemInBackoffForThePoller) {
    const auto campaign = db_.InsertCampaign();
    Insert(campaign, "email", 2, "ELT(seq, 'given-back@example.com', 'backoff@example.com')");
    db_.Sql().Execute("UPDATE outbox SET status='queued', queued_at=NOW(6), available_at=NOW(6)");
    db_.Sql().Execute(
        "UPDATE outbox SET status='retrying', attempts=1, last_error='provider 503', "
        "available_at=NOW(6) + INTERVAL 10 MINUTE WHERE user_ref='backoff@example.com'");
    const auto backoff_until = db_.Value("SELECT available_at FROM outbox WHERE user_ref='backoff@example.com'");
    queues_.Publish("[" + Item(IdOf("given-back@example.com")) + "," + Item(IdOf("backoff@example.com")) + "]");
    auto consumer = Start("consumer", {{"QUEUE_BATCH_SIZE", "100"}});
    ASSERT_TRUE(WaitForStatus("sent", 1, 20s)) << consumer->OutputSoFar().substr(0, 4000);
    EXPECT_TRUE(testing::WaitUntil([&] { return queues_.Depth() == 0; }, 10s)) << "the batch is acknowledged";
    Stop(consumer);
    EXPECT_EQ(StatusOf("given-back@example.com"), "sent 1");
    EXPECT_EQ(StatusOf("backoff@example.com"), "retrying 1") << "its backoff is not skipped";
    EXPECT_EQ(db_.Value("SELECT available_at FROM outbox WHERE user_ref='backoff@example.com'"), backoff_until);
    EXPECT_EQ(sim_.Stats()["accepted"], 1);
    EXPECT_EQ(queues_.Depth(), 0u);
}

TEST_F(BatchDeliveryTest, ASingleObjectMessageIsStillDeliveredByABatchConsumer) {
    const auto campaign = db_.InsertCampaign();
    Insert(campaign, "email", 1);
    db_.Sql().Execute("UPDATE outbox SET status='queued', queued_at=NOW(6), available_at=NOW(6)");
    const auto id = db_.Value("SELECT id FROM outbox");
    queues_.Publish(R"({"outboxId":)" + id + R"(,"idempotencyKey":")" +
                    db_.Value("SELECT idempotency_key FROM outbox") + R"(","campaignId":)" + std::to_string(campaign) +
                    R"(,"userRef":"user1@example.com","kind":"email"})");
    auto consumer = Start("consumer", {{"QUEUE_BATCH_SIZE", "100"}});
    ASSERT_TRUE(WaitForStatus("sent", 1, 20s)) << consumer->OutputSoFar().substr(0, 4000);
    EXPECT_EQ(sim_.Stats()["accepted"], 1);
    Stop(consumer);
    EXPECT_EQ(queues_.Depth(), 0u);
}

TEST_F(BatchDeliveryTest, PollerAndConsumerWithBatchesOf100SendEveryRowOnce) {
    const auto first = db_.InsertCampaign();
    const auto second = db_.InsertCampaign();
    Insert(first, "email", 1200);
    Insert(first, "sms", 450);
    Insert(second, "fcm", 350);
    const std::map<std::string, std::string> env = {{"QUEUE_BATCH_SIZE", "100"}};
    auto poller = Start("poller", env);
    auto consumer = Start("consumer", env);
    ASSERT_TRUE(WaitForStatus("sent", 2000, 90s))
        << db_.Value(
               "SELECT GROUP_CONCAT(status, ':', n) FROM (SELECT status, COUNT(*) n FROM outbox GROUP BY status) s")
        << consumer->OutputSoFar().substr(0, 4000);
    EXPECT_EQ(db_.Count("provider_msg_id IS NULL OR sent_at IS NULL OR attempts <> 1 OR claim_token IS NOT NULL"), 0u);
    const auto stats = sim_.Stats();
    EXPECT_EQ(stats["distinct_keys"], 2000);
    EXPECT_EQ(stats["duplicates"], 0);
    EXPECT_EQ(db_.Count("campaign_id IN (SELECT id FROM campaigns WHERE status='completed')"), 2000u);
    Stop(consumer);
    Stop(poller);
    EXPECT_EQ(queues_.Depth(), 0u);
}

}  // namespace
}  // namespace bulkmsg
