#include "app/outbox_relay.hpp"

#include "support/recording_exporter.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <stdexcept>

#include "domain/queue_message.hpp"
#include "domain/traceparent.hpp"
#include "support/fake_clock.hpp"

namespace bulkmsg::app {
namespace {

using namespace std::chrono_literals;
using domain::ClaimKind;
using domain::TimePoint;

struct StoredRow {
    domain::OutboxRow row;
    std::string status = "pending";
    TimePoint available_at;
    TimePoint queued_at;
};

// An in-memory outbox with the semantics of the MySQL claim: due rows of one status, oldest first, skipping
// rows locked by an open claim; a claim's rows are locked until commit or destruction (rollback).
class FakeOutboxStore final : public OutboxStore {
public:
    class Claim final : public OutboxClaim {
    public:
        Claim(FakeOutboxStore& store, std::vector<domain::OutboxRow> rows, std::string status)
            : store_(store), rows_(std::move(rows)), status_(std::move(status)) {}
        ~Claim() override {
            for (const auto& row : rows_) {
                store_.locked.erase(row.id);
            }
        }
        const std::vector<domain::OutboxRow>& Rows() const override { return rows_; }
        std::size_t CommitQueued(const std::vector<std::uint64_t>& ids, TimePoint now) override {
            if (store_.fail_commit) {
                throw std::runtime_error("connection lost during commit");
            }
            std::size_t updated = 0;
            for (auto id : ids) {
                auto& stored = store_.rows.at(id);
                if (stored.status == status_) {
                    stored.status = "queued";
                    stored.queued_at = now;
                    ++updated;
                }
            }
            store_.commits++;
            return updated;
        }

    private:
        FakeOutboxStore& store_;
        std::vector<domain::OutboxRow> rows_;
        std::string status_;
    };

    std::uint64_t Add(std::string status, TimePoint available_at, unsigned attempts = 0, std::string traceparent = "") {
        const std::uint64_t id = rows.size() + 1;
        domain::OutboxRow row{id,
                              7,
                              "user" + std::to_string(id) + "@example.com",
                              "email",
                              "key-" + std::to_string(id),
                              attempts,
                              std::move(traceparent)};
        rows[id] = {row, std::move(status), available_at, available_at};
        return id;
    }

    std::unique_ptr<OutboxClaim> Claim(ClaimKind kind, TimePoint now, std::chrono::seconds lease,
                                       std::size_t limit) override {
        if (fail_claims > 0) {
            --fail_claims;
            throw std::runtime_error("database unavailable");
        }
        const std::string status = kind == ClaimKind::kPending        ? "pending"
                                   : kind == ClaimKind::kDueRetry     ? "retrying"
                                   : kind == ClaimKind::kStaleSending ? "sending"
                                                                      : "queued";
        std::vector<domain::OutboxRow> claimed;
        for (auto& [id, stored] : rows) {
            const bool due = kind == ClaimKind::kStaleQueued || kind == ClaimKind::kStaleSending
                                 ? stored.queued_at <= now - lease
                                 : stored.available_at <= now;
            if (claimed.size() < limit && stored.status == status && due && !locked.contains(id)) {
                claimed.push_back(stored.row);
                locked.insert(id);
                max_locked = std::max(max_locked, locked.size());
            }
        }
        return std::make_unique<class Claim>(*this, std::move(claimed), status);
    }

    std::map<std::string, std::uint64_t> CountByStatus() {
        std::map<std::string, std::uint64_t> counts;
        for (const auto& [id, stored] : rows) {
            counts[stored.status]++;
        }
        return counts;
    }

    std::uint64_t Count(const std::string& status) { return CountByStatus()[status]; }

    std::map<std::uint64_t, StoredRow> rows;
    std::set<std::uint64_t> locked;
    std::size_t max_locked = 0;
    int fail_claims = 0;
    bool fail_commit = false;
    int commits = 0;
};

// Acks every message except those whose id is in nack_ids; remembers outstanding batches so tests can
// see how many were in flight at once.
class FakePublisher : public MessagePublisher {
public:
    PublishTicket Publish(const std::vector<OutgoingMessage>& messages) override {
        if (fail_next > 0) {
            --fail_next;
            outstanding.clear();
            throw std::runtime_error("broker connection lost");
        }
        const PublishTicket ticket{1, next_tag, messages.size()};
        next_tag += messages.size();
        outstanding[ticket.first_tag] = messages;
        max_outstanding = std::max(max_outstanding, outstanding.size());
        return ticket;
    }
    std::vector<bool> AwaitConfirms(const PublishTicket& ticket) override {
        auto it = outstanding.find(ticket.first_tag);
        if (it == outstanding.end()) {
            throw std::runtime_error("batch lost with the connection");
        }
        BeforeConfirm();
        std::vector<bool> acked;
        for (const auto& message : it->second) {
            const bool ack = !nack_ids.contains(message.message_id);
            acked.push_back(ack);
            if (ack) {
                delivered.push_back(message);
            }
        }
        outstanding.erase(it);
        return acked;
    }
    virtual void BeforeConfirm() {
        if (on_confirm) {
            on_confirm();
        }
    }
    std::function<void()> on_confirm;

    std::vector<OutgoingMessage> delivered;
    std::set<std::string> nack_ids;
    std::map<std::uint64_t, std::vector<OutgoingMessage>> outstanding;
    std::size_t max_outstanding = 0;
    std::uint64_t next_tag = 1;
    int fail_next = 0;
};

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
