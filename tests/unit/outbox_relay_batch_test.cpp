// The poller's batches (QUEUE_BATCH_SIZE > 1): rows of one campaign and channel per message, confirmed together.
#include "app/outbox_relay.hpp"

#include <gtest/gtest.h>

#include "domain/queue_batch.hpp"
#include "domain/sha256.hpp"
#include "domain/traceparent.hpp"
#include "support/fake_clock.hpp"
#include "support/fake_outbox.hpp"

namespace bulkmsg::app {
namespace {

using namespace std::chrono_literals;
using domain::ClaimKind;

class OutboxRelayBatchTest : public ::testing::Test {
protected:
    OutboxRelay Relay(std::size_t queue_batch_size) {
        RelayOptions options;
        options.batch_size = 100;
        options.queue_batch_size = queue_batch_size;
        return OutboxRelay(store_, publisher_, clock_, random_, options, stats_);
    }
    /// Adds a pending row of `campaign` and `kind`.
    std::uint64_t Add(std::uint64_t campaign, const std::string& kind, unsigned attempts = 0) {
        const auto id = store_.Add("pending", clock_.Now() - 1s, attempts);
        store_.rows.at(id).row.campaign_id = campaign;
        store_.rows.at(id).row.kind = kind;
        return id;
    }
    /// The outbox ids of each published message, in publish order.
    std::vector<std::vector<std::uint64_t>> PublishedIds() const {
        std::vector<std::vector<std::uint64_t>> ids;
        for (const auto& message : publisher_.delivered) {
            ids.emplace_back();
            for (const auto& item : domain::DecodeQueueBody(message.body)) {
                ids.back().push_back(item.message.value().outbox_id);
            }
        }
        return ids;
    }

    FakeOutboxStore store_;
    FakePublisher publisher_;
    testing::FakeClock clock_;
    testing::FakeRandom random_;
    RelayStats stats_;
};

TEST_F(OutboxRelayBatchTest, OneMessagePerCampaignAndChannelOfUpToTheBatchSize) {
    Add(7, "email");  // 1
    Add(7, "sms");    // 2
    Add(7, "email");  // 3
    Add(8, "email");  // 4
    Add(7, "email");  // 5
    Add(7, "email");  // 6
    Relay(3).RelayBatch(ClaimKind::kPending);

    EXPECT_EQ(PublishedIds(), (std::vector<std::vector<std::uint64_t>>{{1, 3, 5}, {6}, {2}, {4}}));
    EXPECT_EQ(store_.Count("queued"), 6u);
    EXPECT_EQ(stats_.published, 6u);
    EXPECT_EQ(stats_.batches, 1u);
}

TEST_F(OutboxRelayBatchTest, ItemsCarryTheOriginalFieldsAttemptAndTheirOwnPublishSpan) {
    Add(7, "email", 2);
    Add(7, "email");
    Relay(100).RelayBatch(ClaimKind::kPending);

    ASSERT_EQ(publisher_.delivered.size(), 1u);
    const auto& message = publisher_.delivered[0];
    const auto items = domain::DecodeQueueBody(message.body);
    ASSERT_EQ(items.size(), 2u);
    const auto& first = items[0].message.value();
    EXPECT_EQ(first.outbox_id, 1u);
    EXPECT_EQ(first.idempotency_key, "key-1");
    EXPECT_EQ(first.campaign_id, 7u);
    EXPECT_EQ(first.user_ref, "user1@example.com");
    EXPECT_EQ(first.kind, "email");
    EXPECT_EQ(first.attempt, 3u);
    EXPECT_EQ(items[1].message->attempt, 1u);
    EXPECT_TRUE(domain::IsValidTraceparent(first.traceparent));
    EXPECT_NE(first.traceparent, items[1].message->traceparent) << "each row has its own publish span";
    // message_id derives from the rows' keys; the headers repeat the first item's values.
    EXPECT_EQ(message.message_id, "batch-" + domain::Sha256Hex("key-1,key-2"));
    EXPECT_EQ(message.attempt, 3u);
    EXPECT_EQ(message.traceparent, first.traceparent);
}

TEST_F(OutboxRelayBatchTest, AOneRowBatchIsAnArrayNamedByTheRowsKey) {
    Add(7, "push");
    Relay(100).RelayBatch(ClaimKind::kPending);
    ASSERT_EQ(publisher_.delivered.size(), 1u);
    EXPECT_EQ(publisher_.delivered[0].body.front(), '[');
    EXPECT_EQ(publisher_.delivered[0].message_id, "key-1");
}

TEST_F(OutboxRelayBatchTest, ANackedBatchLeavesEveryOneOfItsRowsPending) {
    Add(7, "email");  // 1
    Add(7, "email");  // 2
    Add(7, "sms");    // 3: its own message, acked
    publisher_.nack_ids = {"batch-" + domain::Sha256Hex("key-1,key-2")};
    Relay(100).RelayBatch(ClaimKind::kPending);

    EXPECT_EQ(store_.rows.at(1).status, "pending");
    EXPECT_EQ(store_.rows.at(2).status, "pending");
    EXPECT_EQ(store_.rows.at(3).status, "queued");
    EXPECT_EQ(stats_.nacked, 2u);
    EXPECT_EQ(stats_.published, 1u);
    EXPECT_TRUE(store_.locked.empty());
}

TEST_F(OutboxRelayBatchTest, BatchSizeOneKeepsTheOriginalMessagePerRowInClaimOrder) {
    Add(7, "email");
    Add(8, "sms");
    Add(7, "email");
    Relay(1).RelayBatch(ClaimKind::kPending);
    ASSERT_EQ(publisher_.delivered.size(), 3u);
    EXPECT_EQ(PublishedIds(), (std::vector<std::vector<std::uint64_t>>{{1}, {2}, {3}}));
    EXPECT_EQ(publisher_.delivered[1].body,
              R"({"outboxId":2,"idempotencyKey":"key-2","campaignId":8,"userRef":"user2@example.com","kind":"sms"})");
    EXPECT_EQ(publisher_.delivered[1].message_id, "key-2");
}

TEST_F(OutboxRelayBatchTest, AnUnconfirmedBatchAfterABrokerFailureMarksNothing) {
    Add(7, "email");
    Add(7, "email");
    auto relay = Relay(100);
    publisher_.fail_next = 1;
    EXPECT_THROW(relay.RelayBatch(ClaimKind::kPending), std::runtime_error);
    EXPECT_EQ(store_.Count("pending"), 2u);
    EXPECT_TRUE(store_.locked.empty());
    relay.RelayBatch(ClaimKind::kPending);
    EXPECT_EQ(store_.Count("queued"), 2u);
    EXPECT_EQ(PublishedIds(), (std::vector<std::vector<std::uint64_t>>{{1, 2}}));
}

}  // namespace
}  // namespace bulkmsg::app
