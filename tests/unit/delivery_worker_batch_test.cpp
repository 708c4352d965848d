// A DeliveryWorker taking batch messages (QUEUE_BATCH_SIZE > 1): one claim and one sent-marker lookup for the items,
// per-item outcomes, and the message acknowledged (or requeued) only once every item is settled.
#include "app/delivery_worker.hpp"

#include "support/recording_exporter.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/delivery_fakes.hpp"

namespace bulkmsg::app {
namespace {

using namespace std::chrono_literals;

class DeliveryWorkerBatchTest : public DeliveryWorkerFixture {
protected:
    /// Steps past the flush interval so finished outcomes are written and their messages settled.
    void Flush(DeliveryWorker& worker) {
        clock_.Advance(5ms);
        worker.Step();
    }
    std::string StatusOf(std::uint64_t outbox_id) const {
        for (const auto& o : store_.recorded) {
            if (o.outbox_id == outbox_id) {
                return std::string(domain::ToString(o.status));
            }
        }
        return "";
    }
};

TEST_F(DeliveryWorkerBatchTest, ABatchIsClaimedAndLookedUpOnceAndAckedAfterItsLastItemIsStored) {
    queue_.AddBatch({1, 2, 3});
    auto worker = Worker();
    worker.Step();
    EXPECT_EQ(store_.claim_sizes, (std::vector<std::size_t>{3})) << "one claim for the batch's rows";
    EXPECT_EQ(markers_.finds, 1u) << "one sent-marker lookup for the batch";
    ASSERT_EQ(provider_->pending.size(), 3u) << "one provider request per recipient, all at once";
    EXPECT_EQ(worker.Held(), 1u) << "one message held";

    provider_->Answer(1, domain::Sent("m1"));
    provider_->Answer(2, domain::Sent("m2"));
    Flush(worker);
    EXPECT_EQ(store_.recorded.size(), 2u);
    EXPECT_TRUE(queue_.acked.empty()) << "item 3 is neither stored nor back in the outbox";

    provider_->Answer(3, domain::Sent("m3"));
    Flush(worker);
    EXPECT_EQ(store_.recorded.size(), 3u);
    EXPECT_EQ(queue_.acked, (std::vector<std::uint64_t>{1}));
    EXPECT_TRUE(queue_.requeued.empty());
    EXPECT_EQ(worker.Held(), 0u);
}

TEST_F(DeliveryWorkerBatchTest, ItemsEndingDifferentlyAreEachSettledAndTheBatchAckedOnce) {
    store_.done.insert(2);                  // already sent: deduplicated
    store_.paused.insert(3);                // paused campaign: back to pending, not sent
    markers_.marks["key4"] = "earlier-id";  // accepted before, row not written: recorded, not sent
    queue_.ready.push_back({queue_.next_tag++,
                            R"([{"outboxId":1,"idempotencyKey":"key1","campaignId":1,"userRef":"u","kind":"email"},)"
                            R"({"outboxId":2,"idempotencyKey":"key2","campaignId":1,"userRef":"u","kind":"email"},)"
                            R"({"outboxId":3,"idempotencyKey":"key3","campaignId":1,"userRef":"u","kind":"email"},)"
                            R"({"outboxId":4,"idempotencyKey":"key4","campaignId":1,"userRef":"u","kind":"email"},)"
                            R"({"idempotencyKey":"key5","campaignId":1,"userRef":"u","kind":"email"},)"
                            R"({"outboxId":6,"idempotencyKey":"key6","campaignId":1,"userRef":"u","kind":"email"},)"
                            R"({"outboxId":7,"idempotencyKey":"key7","campaignId":1,"userRef":"u","kind":"email"}])",
                            ""});
    auto worker = Worker();
    worker.Step();
    ASSERT_EQ(provider_->pending.size(), 3u) << "items 1, 6 and 7 are sent";
    ASSERT_EQ(queue_.dead_letters.size(), 1u) << "only the bad item is dead-lettered";
    EXPECT_EQ(queue_.dead_letters[0].second, "item 4: missing field outboxId");
    EXPECT_EQ(nlohmann::json::parse(queue_.dead_letters[0].first).at("idempotencyKey"), "key5");

    provider_->Answer(1, domain::Sent("m1"));
    provider_->Answer(6, domain::Retryable("sendgrid 500"));
    provider_->Answer(7, domain::Permanent("sendgrid 400: invalid address"));
    EXPECT_TRUE(queue_.acked.empty());
    Flush(worker);
    EXPECT_EQ(StatusOf(1), "sent");
    EXPECT_EQ(StatusOf(4), "sent");
    EXPECT_EQ(StatusOf(6), "retrying");
    EXPECT_EQ(StatusOf(7), "failed");
    EXPECT_EQ(store_.recorded.size(), 4u) << "done, paused and invalid items write nothing here";
    EXPECT_EQ(queue_.acked, (std::vector<std::uint64_t>{1}));
    EXPECT_EQ(queue_.dead_letters.size(), 2u) << "the permanent failure's copy";
    EXPECT_EQ(worker.Stats().received, 7u);
    EXPECT_EQ(worker.Stats().paused, 1u);
    EXPECT_EQ(worker.Stats().invalid, 1u);
}

TEST_F(DeliveryWorkerBatchTest, ABatchAndASingleObjectMessageAreClaimedTogether) {
    queue_.AddBatch({1, 2});
    queue_.Add(3);
    auto worker = Worker();
    worker.Step();
    EXPECT_EQ(store_.claim_sizes, (std::vector<std::size_t>{3}));
    provider_->AnswerAll(domain::Sent("m"));
    Flush(worker);
    EXPECT_EQ(queue_.acked, (std::vector<std::uint64_t>{1, 2}));
}

TEST_F(DeliveryWorkerBatchTest, AFailedClaimRequeuesTheBatchOnce) {
    queue_.AddBatch({1, 2, 3});
    store_.fail_claims = 1;
    auto worker = Worker();
    worker.Step();
    EXPECT_EQ(queue_.requeued, (std::vector<std::uint64_t>{1}));
    EXPECT_TRUE(queue_.acked.empty());
    EXPECT_EQ(worker.Held(), 0u);
}

TEST_F(DeliveryWorkerBatchTest, DrainRequeuesAPartlySentBatchOnlyAfterItsSentItemIsStored) {
    queue_.AddBatch({1, 2, 3});
    auto worker = ThrottledWorker();
    worker.Step();
    ASSERT_EQ(provider_->pending.size(), 1u);
    provider_->AnswerAll(domain::Sent("m1"));
    store_.fail_records = 1;  // the first write fails: the batch may not go back before item 1 is stored
    worker.Drain(5s);
    EXPECT_EQ(store_.released, (std::vector<std::uint64_t>{2, 3}));
    ASSERT_EQ(store_.recorded.size(), 1u);
    EXPECT_EQ(StatusOf(1), "sent");
    EXPECT_EQ(queue_.requeued, (std::vector<std::uint64_t>{1})) << "redelivered: 1 is final, 2 and 3 are open";
    EXPECT_TRUE(queue_.acked.empty());
}

TEST_F(DeliveryWorkerBatchTest, EachItemsConsumeSpanContinuesItsOwnPublishSpan) {
    testing::RecordingExporter exporter;
    const std::string publish = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    queue_.AddBatch({1}, publish);
    queue_.ready.back().traceparent = "00-11111111111111111111111111111111-2222222222222222-01";
    auto worker = Worker();
    worker.Step();
    provider_->AnswerAll(domain::Sent("m"));
    ASSERT_EQ(exporter.spans.size(), 2u);
    EXPECT_EQ(exporter.spans[1].name, "consume");
    EXPECT_EQ(exporter.spans[1].context.trace_id, "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(exporter.spans[1].parent_span_id, "b7ad6b7169203331");
}

TEST_F(DeliveryWorkerBatchTest, PrefetchCountsMessagesSoASecondBatchWaitsForTheFirstsAck) {
    queue_.AddBatch({1, 2});
    queue_.AddBatch({3, 4});
    DeliveryWorkerOptions options;
    options.prefetch = 1;
    auto worker = Worker(options);
    worker.Step();
    EXPECT_EQ(provider_->pending.size(), 2u);
    worker.Step();
    EXPECT_EQ(provider_->pending.size(), 2u) << "the second batch waits";
    provider_->AnswerAll(domain::Sent("m"));
    Flush(worker);
    EXPECT_EQ(queue_.acked, (std::vector<std::uint64_t>{1}));
    worker.Step();
    EXPECT_EQ(provider_->pending.size(), 2u) << "the second batch is in flight";
}

}  // namespace
}  // namespace bulkmsg::app
