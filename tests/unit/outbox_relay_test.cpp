#include "app/outbox_relay.hpp"

#include "support/fake_outbox.hpp"
#include "support/recording_exporter.hpp"

#include <gtest/gtest.h>

#include "domain/queue_message.hpp"
#include "domain/traceparent.hpp"
#include "support/fake_clock.hpp"

namespace bulkmsg::app {
namespace {

using namespace std::chrono_literals;
using domain::ClaimKind;

class OutboxRelayTest : public ::testing::Test {
protected:
    OutboxRelay Relay(std::size_t batch_size = 100, std::size_t depth = 4) {
        RelayOptions options;
        options.batch_size = batch_size;
        options.pipeline_depth = depth;
        return OutboxRelay(store_, publisher_, clock_, random_, options, stats_);
    }
    std::string Status(std::uint64_t id) { return store_.rows.at(id).status; }

    FakeOutboxStore store_;
    FakePublisher publisher_;
    testing::FakeClock clock_;
    testing::FakeRandom random_;
    RelayStats stats_;
};

TEST_F(OutboxRelayTest, PublishesPendingRowsAndMarksThemQueued) {
    for (int i = 0; i < 3; ++i) {
        store_.Add("pending", clock_.Now() - 1s);
    }
    auto relay = Relay();
    EXPECT_EQ(relay.RelayBatch(ClaimKind::kPending), 3u);

    ASSERT_EQ(publisher_.delivered.size(), 3u);
    for (std::uint64_t id = 1; id <= 3; ++id) {
        EXPECT_EQ(Status(id), "queued");
        EXPECT_EQ(store_.rows.at(id).queued_at, clock_.Now());
    }
    EXPECT_EQ(stats_.published, 3u);
    EXPECT_EQ(stats_.claimed, 3u);
    EXPECT_TRUE(store_.locked.empty());
}

TEST_F(OutboxRelayTest, MessageCarriesTheOriginalBodyKeyAttemptAndTraceparent) {
    const std::string trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    store_.Add("retrying", clock_.Now() - 1s, 2, trace);
    store_.Add("pending", clock_.Now() - 1s, 0, "garbage");
    auto relay = Relay();
    relay.RelayBatch(ClaimKind::kDueRetry);
    relay.RelayBatch(ClaimKind::kPending);

    ASSERT_EQ(publisher_.delivered.size(), 2u);
    const auto& retry = publisher_.delivered[0];
    EXPECT_EQ(domain::DecodeQueueMessage(retry.body),
              (domain::QueueMessage{1, "key-1", 7, "user1@example.com", "email"}));
    EXPECT_EQ(retry.body,
              R"({"outboxId":1,"idempotencyKey":"key-1","campaignId":7,"userRef":"user1@example.com","kind":"email"})");
    EXPECT_EQ(retry.message_id, "key-1");
    EXPECT_EQ(retry.attempt, 3u);
    // The header carries the row's trace with the publish span's id, so the consumer's span is its child.
    EXPECT_EQ(retry.traceparent.substr(0, 36), trace.substr(0, 36));
    EXPECT_NE(retry.traceparent, trace);
    EXPECT_TRUE(domain::IsValidTraceparent(retry.traceparent));
    // A row without a valid stored trace context gets a fresh one.
    EXPECT_EQ(publisher_.delivered[1].attempt, 1u);
    EXPECT_TRUE(domain::IsValidTraceparent(publisher_.delivered[1].traceparent));
}

TEST_F(OutboxRelayTest, EachPublishIsAProducerSpanOfTheRowsTraceEndedAtItsConfirm) {
    testing::RecordingExporter exporter;
    store_.Add("pending", clock_.Now() - 1s, 0, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    store_.Add("pending", clock_.Now() - 1s);
    publisher_.nack_ids = {"key-2"};
    Relay().RelayBatch(ClaimKind::kPending);
    ASSERT_EQ(exporter.spans.size(), 2u);
    const auto& first = exporter.spans[0];
    EXPECT_EQ(first.name, "publish");
    EXPECT_EQ(first.kind, domain::SpanKind::kProducer);
    EXPECT_EQ(first.context.trace_id, "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(first.parent_span_id, "b7ad6b7169203331");
    EXPECT_EQ(first.Traceparent(), publisher_.delivered[0].traceparent);
    EXPECT_FALSE(first.error);
    EXPECT_GE(first.end_unix_nanos, first.start_unix_nanos);
    EXPECT_TRUE(exporter.spans[1].parent_span_id.empty()) << "a row without a trace starts one";
    EXPECT_TRUE(exporter.spans[1].error) << "the broker nacked it";
}

TEST_F(OutboxRelayTest, NackedRowsStayPending) {
    store_.Add("pending", clock_.Now());
    store_.Add("pending", clock_.Now());
    publisher_.nack_ids = {"key-2"};
    auto relay = Relay();
    relay.RelayBatch(ClaimKind::kPending);
    EXPECT_EQ(Status(1), "queued");
    EXPECT_EQ(Status(2), "pending");
    EXPECT_EQ(stats_.nacked, 1u);
    EXPECT_TRUE(store_.locked.empty());
}

TEST_F(OutboxRelayTest, BrokerFailureRollsBackAndMarksNothing) {
    store_.Add("pending", clock_.Now());
    publisher_.fail_next = 1;
    auto relay = Relay();
    EXPECT_THROW(relay.RelayBatch(ClaimKind::kPending), std::runtime_error);
    EXPECT_EQ(Status(1), "pending");
    EXPECT_TRUE(store_.locked.empty());
    EXPECT_EQ(store_.commits, 0);
}

TEST_F(OutboxRelayTest, RetriesArePublishedOnlyOnceDue) {
    store_.Add("retrying", clock_.Now() + 300s, 1);
    auto relay = Relay();
    EXPECT_EQ(relay.RelayBatch(ClaimKind::kDueRetry), 0u);
    clock_.Advance(299s);
    EXPECT_EQ(relay.RelayBatch(ClaimKind::kDueRetry), 0u);
    EXPECT_EQ(Status(1), "retrying");
    clock_.Advance(1s);
    EXPECT_EQ(relay.RelayBatch(ClaimKind::kDueRetry), 1u);
    EXPECT_EQ(Status(1), "queued");
    EXPECT_EQ(publisher_.delivered.at(0).attempt, 2u);
}

TEST_F(OutboxRelayTest, ScheduledPendingRowsWaitForTheirTime) {
    store_.Add("pending", clock_.Now() + 60s);
    auto relay = Relay();
    EXPECT_EQ(relay.RelayBatch(ClaimKind::kPending), 0u);
    clock_.Advance(60s);
    EXPECT_EQ(relay.RelayBatch(ClaimKind::kPending), 1u);
}

TEST_F(OutboxRelayTest, RowQueuedPastTheLeaseIsRepublished) {
    const auto id = store_.Add("pending", clock_.Now());
    auto relay = Relay();
    relay.RelayBatch(ClaimKind::kPending);
    clock_.Advance(899s);
    EXPECT_EQ(relay.RelayBatch(ClaimKind::kStaleQueued), 0u);
    clock_.Advance(1s);
    EXPECT_EQ(relay.RelayBatch(ClaimKind::kStaleQueued), 1u);
    EXPECT_EQ(publisher_.delivered.size(), 2u);
    EXPECT_EQ(publisher_.delivered[1].message_id, publisher_.delivered[0].message_id);
    EXPECT_EQ(store_.rows.at(id).queued_at, clock_.Now());
    EXPECT_EQ(stats_.republished_stale, 1u);
}

TEST_F(OutboxRelayTest, RowLeftSendingByADeadConsumerIsRepublishedAfterTheLease) {
    const auto id = store_.Add("pending", clock_.Now());
    auto relay = Relay();
    relay.RelayBatch(ClaimKind::kPending);
    store_.rows.at(id).status = "sending";  // a consumer claimed it, then died
    clock_.Advance(899s);
    EXPECT_FALSE(relay.PollOnce());
    clock_.Advance(1s);
    EXPECT_EQ(relay.RelayBatch(ClaimKind::kStaleSending), 1u);
    EXPECT_EQ(store_.rows.at(id).status, "queued");
    EXPECT_EQ(publisher_.delivered.size(), 2u);
    EXPECT_EQ(stats_.republished_stale, 1u);
}

TEST_F(OutboxRelayTest, SentAndFailedRowsAreNeverTouched) {
    store_.Add("sent", clock_.Now() - 3600s);
    store_.Add("failed", clock_.Now() - 3600s);
    clock_.Advance(3600s);
    auto relay = Relay();
    EXPECT_FALSE(relay.PollOnce());
    EXPECT_TRUE(publisher_.delivered.empty());
    EXPECT_EQ(Status(1), "sent");
    EXPECT_EQ(Status(2), "failed");
}

TEST_F(OutboxRelayTest, StatusMovedOnByAConsumerIsNotOverwritten) {
    store_.Add("queued", clock_.Now());
    clock_.Advance(901s);
    // The consumer finishes the row while the poller waits for the broker's confirm.
    class SendingPublisher final : public FakePublisher {
    public:
        explicit SendingPublisher(FakeOutboxStore& s) : store(s) {}
        void BeforeConfirm() override { store.rows.at(1).status = "sent"; }
        FakeOutboxStore& store;
    } publisher(store_);
    OutboxRelay relay(store_, publisher, clock_, random_, RelayOptions{}, stats_);
    relay.RelayBatch(ClaimKind::kStaleQueued);
    EXPECT_EQ(Status(1), "sent");
    EXPECT_EQ(stats_.published, 1u);
}

TEST_F(OutboxRelayTest, TwoRelaysNeverClaimTheSameRow) {
    for (int i = 0; i < 10; ++i) {
        store_.Add("pending", clock_.Now());
    }
    auto first = store_.Claim(ClaimKind::kPending, clock_.Now(), 900s, 6);
    auto relay = Relay();
    EXPECT_EQ(relay.RelayBatch(ClaimKind::kPending), 4u);
    for (const auto& message : publisher_.delivered) {
        for (const auto& row : first->Rows()) {
            EXPECT_NE(message.message_id, row.idempotency_key);
        }
    }
}

TEST_F(OutboxRelayTest, KeepsUpToPipelineDepthBatchesInFlightEachInItsOwnClaim) {
    for (int i = 0; i < 95; ++i) {
        store_.Add("pending", clock_.Now());
    }
    auto relay = Relay(10, 3);
    const auto result = relay.Relay(ClaimKind::kPending, 100);
    EXPECT_EQ(result.claimed, 95u);
    EXPECT_FALSE(result.last_batch_full);
    EXPECT_EQ(publisher_.max_outstanding, 3u);
    EXPECT_EQ(store_.max_locked, 30u);  // three open claims of 10 rows, none overlapping
    EXPECT_EQ(store_.commits, 10);
    std::set<std::string> keys;
    for (const auto& message : publisher_.delivered) {
        keys.insert(message.message_id);
    }
    EXPECT_EQ(keys.size(), 95u);
    EXPECT_EQ(publisher_.delivered.size(), 95u);
    EXPECT_EQ(store_.CountByStatus(), (std::map<std::string, std::uint64_t>{{"queued", 95}}));
}

TEST_F(OutboxRelayTest, FailureWithBatchesInFlightRollsAllOfThemBack) {
    for (int i = 0; i < 40; ++i) {
        store_.Add("pending", clock_.Now());
    }
    store_.fail_commit = true;
    auto relay = Relay(10, 3);
    EXPECT_THROW(relay.Relay(ClaimKind::kPending, 100), std::runtime_error);
    EXPECT_TRUE(store_.locked.empty());
    EXPECT_EQ(store_.CountByStatus(), (std::map<std::string, std::uint64_t>{{"pending", 40}}));
}

TEST_F(OutboxRelayTest, OnePollStopsAfterBatchesPerPollSoOtherKindsGetATurn) {
    for (int i = 0; i < 50; ++i) {
        store_.Add("pending", clock_.Now());
    }
    store_.Add("retrying", clock_.Now(), 1);
    RelayOptions options;
    options.batch_size = 10;
    options.batches_per_poll = 2;
    OutboxRelay relay(store_, publisher_, clock_, random_, options, stats_);
    EXPECT_TRUE(relay.PollOnce());
    EXPECT_EQ(store_.Count("queued"), 21u);  // 2 batches of pending rows, then the retry
    EXPECT_EQ(Status(51), "queued");
}

TEST_F(OutboxRelayTest, DrainsBacklogWithoutSleepingThenSleepsThePollInterval) {
    for (int i = 0; i < 25; ++i) {
        store_.Add("pending", clock_.Now());
    }
    clock_.on_sleep = [](StopToken& stop) { stop.RequestStop(); };
    auto relay = Relay(10);
    StopToken stop;
    relay.Run(stop);
    EXPECT_EQ(publisher_.delivered.size(), 25u);
    // Batches of 10, 10 and 5 back to back; one sleep of the poll interval after the short one.
    ASSERT_EQ(clock_.sleeps.size(), 1u);
    EXPECT_EQ(clock_.sleeps[0], 5000ms);
    EXPECT_EQ(stats_.batches, 3u);
    EXPECT_EQ(store_.Count("queued"), 25u);
}

TEST_F(OutboxRelayTest, WithoutDrainEveryPollTakesOneBatchThenSleepsAsTheOriginalDid) {
    for (int i = 0; i < 25; ++i) {
        store_.Add("pending", clock_.Now());
    }
    int polls = 0;
    clock_.on_sleep = [&polls](StopToken& stop) {
        if (++polls == 2) {
            stop.RequestStop();
        }
    };
    RelayOptions options;
    options.batch_size = 10;
    options.drain = false;
    OutboxRelay relay(store_, publisher_, clock_, random_, options, stats_);
    StopToken stop;
    relay.Run(stop);
    EXPECT_EQ(publisher_.delivered.size(), 20u) << "one batch of 10 per poll";
    EXPECT_EQ(clock_.sleeps, (std::vector<std::chrono::milliseconds>{5000ms, 5000ms}));
}

TEST_F(OutboxRelayTest, BacksOffExponentiallyWhileTheStoreFailsThenRecovers) {
    store_.Add("pending", clock_.Now());
    store_.fail_claims = 4;
    clock_.on_sleep = [this](StopToken& stop) {
        if (clock_.sleeps.size() == 5) {
            stop.RequestStop();
        }
    };
    auto relay = Relay();
    StopToken stop;
    relay.Run(stop);
    EXPECT_EQ(clock_.sleeps, (std::vector<std::chrono::milliseconds>{200ms, 400ms, 800ms, 1600ms, 5000ms}));
    EXPECT_EQ(stats_.errors, 4u);
    EXPECT_TRUE(stats_.healthy);
    EXPECT_EQ(Status(1), "queued");
}

TEST_F(OutboxRelayTest, BrokerOutageLosesNoRow) {
    for (int i = 0; i < 5; ++i) {
        store_.Add("pending", clock_.Now());
    }
    publisher_.fail_next = 3;
    clock_.on_sleep = [this](StopToken& stop) {
        if (clock_.sleeps.size() == 4) {
            stop.RequestStop();
        }
    };
    auto relay = Relay();
    StopToken stop;
    relay.Run(stop);
    EXPECT_EQ(publisher_.delivered.size(), 5u);
    EXPECT_EQ(store_.CountByStatus(), (std::map<std::string, std::uint64_t>{{"queued", 5}}));
}

TEST_F(OutboxRelayTest, StopFinishesTheBatchesInFlightAndClaimsNoMore) {
    for (int i = 0; i < 100; ++i) {
        store_.Add("pending", clock_.Now());
    }
    StopToken stop;
    publisher_.on_confirm = [&stop] { stop.RequestStop(); };
    auto relay = Relay(10, 2);
    relay.Run(stop);
    // Two batches were in flight when the first confirm arrived; both are committed, nothing else is claimed.
    EXPECT_EQ(store_.Count("queued"), 20u);
    EXPECT_EQ(store_.Count("pending"), 80u);
    EXPECT_TRUE(store_.locked.empty());
    EXPECT_TRUE(clock_.sleeps.empty());
}

TEST_F(OutboxRelayTest, StopRequestedBeforeRunDoesNothing) {
    store_.Add("pending", clock_.Now());
    StopToken stop;
    stop.RequestStop();
    auto relay = Relay();
    relay.Run(stop);
    EXPECT_TRUE(publisher_.delivered.empty());
}

}  // namespace
}  // namespace bulkmsg::app
