#include "app/delivery_worker.hpp"

#include "support/log_lines.hpp"
#include "support/recording_exporter.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/delivery_fakes.hpp"

namespace bulkmsg::app {
namespace {

using namespace std::chrono_literals;

class DeliveryWorkerTest : public DeliveryWorkerFixture {};

TEST_F(DeliveryWorkerTest, AcknowledgesOnlyAfterTheOutcomesAreStoredInOneBatch) {
    for (std::uint64_t id = 1; id <= 3; ++id) {
        queue_.Add(id);
    }
    auto worker = Worker();
    worker.Step();
    ASSERT_EQ(provider_->pending.size(), 3u) << "all three in flight at once";
    provider_->AnswerAll(domain::Sent("m"));
    worker.Step();
    EXPECT_TRUE(queue_.acked.empty()) << "the batch waits up to the flush interval";
    EXPECT_EQ(markers_.marks.size(), 3u) << "acceptances are marked before the rows are written";
    clock_.Advance(5ms);
    worker.Step();
    ASSERT_EQ(store_.recorded.size(), 3u);
    for (const auto& outcome : store_.recorded) {
        EXPECT_EQ(domain::ToString(outcome.status), "sent");
        EXPECT_EQ(outcome.claim_token, FakeStore::kTokenBase + outcome.outbox_id) << "written under its own claim";
    }
    EXPECT_EQ(queue_.acked, (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_EQ(worker.Held(), 0u);
}

TEST_F(DeliveryWorkerTest, ConsumeSpanContinuesThePublishSpanAndTheProviderGetsItsCallSpan) {
    testing::RecordingExporter exporter;
    const std::string publish = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    queue_.Add(1);
    queue_.ready.back().traceparent = publish;
    auto worker = Worker();
    worker.Step();
    ASSERT_EQ(provider_->pending.size(), 1u);
    const auto sent_with = provider_->pending[0].first.traceparent;
    provider_->AnswerAll(domain::Permanent("bad address"));
    ASSERT_EQ(exporter.spans.size(), 2u);
    const auto& call = exporter.spans[0];
    const auto& consume = exporter.spans[1];
    EXPECT_EQ(consume.name, "consume");
    EXPECT_EQ(consume.kind, domain::SpanKind::kConsumer);
    EXPECT_EQ(consume.context.trace_id, "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(consume.parent_span_id, "b7ad6b7169203331");
    EXPECT_TRUE(consume.error);
    EXPECT_EQ(consume.status_message, "bad address");
    EXPECT_EQ(call.kind, domain::SpanKind::kClient);
    EXPECT_EQ(call.parent_span_id, consume.context.span_id);
    EXPECT_EQ(call.context.trace_id, consume.context.trace_id);
    EXPECT_EQ(sent_with, call.Traceparent()) << "the provider request carries the call span";
}

TEST_F(DeliveryWorkerTest, AFailedMessageIsLoggedWithItsIdsAttemptProviderAndTrace) {
    queue_.Add(1);
    queue_.ready.back().traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    auto worker = Worker();
    worker.Step();
    ASSERT_EQ(provider_->pending.size(), 1u);
    ::testing::internal::CaptureStdout();
    provider_->AnswerAll(domain::Permanent("bad address"));
    const auto output = ::testing::internal::GetCapturedStdout();
    const auto line = nlohmann::json::parse(output.substr(0, output.find('\n')));
    EXPECT_EQ(line["level"], "warn");
    EXPECT_EQ(line["msg"], "message failed");
    EXPECT_EQ(line["campaign_id"], 1);
    EXPECT_EQ(line["outbox_id"], 1);
    EXPECT_EQ(line["attempt"], 1);
    EXPECT_EQ(line["provider"], "sendgrid");
    EXPECT_EQ(line["trace_id"], "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(line["reason"], "bad address");
}

// Found by the chaos run: a row left 'sending' by a worker whose outcome write was delayed (database outage) was
// republished after the lease while Redis was down; sending it then relied on the row status alone and sent it twice.
TEST_F(DeliveryWorkerTest, ATakenOverRowIsNotSentWhileTheSentMarkersCannotBeRead) {
    store_.sending = {1};
    markers_.unavailable = true;
    queue_.Add(1);
    queue_.Add(2);
    auto worker = Worker();
    worker.Step();
    ASSERT_EQ(provider_->pending.size(), 1u) << "a fresh row is still sent";
    EXPECT_EQ(provider_->pending[0].first.outbox_id, 2u);
    EXPECT_EQ(queue_.acked, (std::vector<std::uint64_t>{1})) << "the copy is dropped; the row stays 'sending'";
    EXPECT_TRUE(store_.recorded.empty());

    markers_.unavailable = false;
    markers_.marks["key1"] = "earlier-provider-id";
    queue_.Add(1);
    worker.Step();
    clock_.Advance(20ms);
    worker.Step();
    ASSERT_EQ(provider_->pending.size(), 1u) << "once readable, the marker shows it was sent: not sent again";
    ASSERT_EQ(store_.recorded.size(), 1u);
    EXPECT_EQ(domain::ToString(store_.recorded[0].status), "sent");
    EXPECT_EQ(store_.recorded[0].provider_msg_id, "earlier-provider-id");
}

TEST_F(DeliveryWorkerTest, ReceivedMessagesAreClaimedTogetherWithinTheClaimInterval) {
    DeliveryWorkerOptions options;
    options.claim_interval = 10ms;
    options.retry = {3, 300s, false};
    DeliveryWorker worker(options, queue_, store_, markers_, limiter_, *router_, transport_, clock_, random_);
    queue_.Add(1);
    worker.Step();
    queue_.Add(2);
    worker.Step();
    EXPECT_TRUE(provider_->pending.empty()) << "waiting for more to claim in one transaction";
    clock_.Advance(10ms);
    worker.Step();
    EXPECT_EQ(provider_->pending.size(), 2u);
}

TEST_F(DeliveryWorkerTest, UnstoredOutcomesAreKeptUnacknowledgedUntilTheStoreIsBack) {
    queue_.Add(1);
    auto worker = Worker();
    worker.Step();
    provider_->AnswerAll(domain::Retryable("sendgrid 500"));
    store_.fail_records = 2;
    clock_.Advance(5ms);
    worker.Step();
    EXPECT_TRUE(queue_.acked.empty());
    EXPECT_EQ(worker.Stats().write_failures, 1u);
    worker.Step();
    EXPECT_EQ(worker.Stats().write_failures, 1u) << "waits for the backoff before trying again";
    clock_.Advance(1s);
    worker.Step();
    clock_.Advance(1s);
    worker.Step();
    ASSERT_EQ(store_.recorded.size(), 1u);
    EXPECT_EQ(domain::ToString(store_.recorded[0].status), "retrying");
    EXPECT_EQ(queue_.acked, (std::vector<std::uint64_t>{1}));
}

TEST_F(DeliveryWorkerTest, ClaimFailureRequeuesTheMessagesAndBacksOff) {
    queue_.Add(1);
    queue_.Add(2);
    store_.fail_claims = 1;
    auto worker = Worker();
    worker.Step();
    EXPECT_EQ(queue_.requeued, (std::vector<std::uint64_t>{1, 2}));
    EXPECT_TRUE(provider_->pending.empty());
    queue_.Add(3);
    const auto receives = queue_.receives;
    worker.Step();
    EXPECT_EQ(queue_.receives, receives) << "no new messages while backing off";
    clock_.Advance(1s);
    worker.Step();
    EXPECT_EQ(provider_->pending.size(), 1u);
}

TEST_F(DeliveryWorkerTest, AMessageTheProviderAlreadyAcceptedIsRecordedNotResent) {
    markers_.marks["key1"] = "earlier-id";
    queue_.Add(1);
    auto worker = Worker();
    worker.Step();
    EXPECT_TRUE(provider_->pending.empty());
    clock_.Advance(5ms);
    worker.Step();
    ASSERT_EQ(store_.recorded.size(), 1u);
    EXPECT_EQ(store_.recorded[0].provider_msg_id, "earlier-id");
    EXPECT_EQ(worker.Stats().deduplicated, 1u);
}

TEST_F(DeliveryWorkerTest, DoneAndUnknownMessagesAreAcknowledgedAndUnknownOnesDeadLettered) {
    store_.done.insert(1);
    queue_.Add(1);
    queue_.Add(5000);
    queue_.ready.push_back({queue_.next_tag++, "not json", ""});
    auto worker = Worker();
    worker.Step();
    EXPECT_EQ(queue_.acked, (std::vector<std::uint64_t>{1, 2, 3}));
    ASSERT_EQ(queue_.dead_letters.size(), 2u);
    EXPECT_EQ(queue_.dead_letters[1].first, "not json");
    EXPECT_TRUE(provider_->pending.empty());
    EXPECT_EQ(worker.Stats().invalid, 2u);
}

TEST_F(DeliveryWorkerTest, RateTokensBoundTheSendsAndA429HoldsTheProvider) {
    for (std::uint64_t id = 1; id <= 5; ++id) {
        queue_.Add(id);
    }
    limiter_.tokens_per_call = 2;
    DeliveryWorkerOptions options;
    options.rate_per_second[domain::Channel::kEmail] = 100;
    auto worker = Worker(options);
    worker.Step();
    EXPECT_EQ(provider_->pending.size(), 2u);
    provider_->AnswerAll(domain::RateLimited("sendgrid 429", 5s));
    EXPECT_EQ(limiter_.holds.at("sendgrid"), clock_.Now() + 5s);
    clock_.Advance(1s);
    worker.Step();
    EXPECT_TRUE(provider_->pending.empty()) << "held back for the 5 s the provider asked for";
    clock_.Advance(4s);
    worker.Step();
    EXPECT_EQ(provider_->pending.size(), 2u);
    ASSERT_GE(store_.recorded.size(), 2u);
    EXPECT_EQ(store_.recorded[0].attempts, 0u) << "a 429 is not an attempt";
}

// Seen in the 50,000 chaos run: with Redis down each consumer logged this warning about 18,000 times in 45 s.
TEST_F(DeliveryWorkerTest, AnUnavailableRateLimiterIsAskedTwiceASecondAndWarnedAboutEveryTenSeconds) {
    queue_.Add(1);
    limiter_.unavailable = true;
    DeliveryWorkerOptions options;
    options.rate_per_second[domain::Channel::kEmail] = 1000;
    options.max_wait_for_rate = 60s;
    auto worker = Worker(options);
    ::testing::internal::CaptureStdout();
    for (int i = 0; i < 1500; ++i) {  // 15 s in steps of 10 ms
        worker.Step();
        clock_.Advance(10ms);
    }
    const auto output = ::testing::internal::GetCapturedStdout();
    EXPECT_LE(limiter_.calls, 31u) << "asked again every 500 ms, not at the token pace";
    EXPECT_GE(limiter_.calls, 29u);
    const auto warnings = testing::JsonLogLines(output, "rate limiter unavailable; holding back");
    ASSERT_EQ(warnings.size(), 2u) << output;
    EXPECT_EQ(warnings[0]["repeated"], 0);
    EXPECT_EQ(warnings[1]["repeated"], 19) << "the 19 failures between the two lines";
    EXPECT_TRUE(provider_->pending.empty());

    limiter_.unavailable = false;
    clock_.Advance(500ms);
    worker.Step();
    EXPECT_EQ(provider_->pending.size(), 1u) << "sends resume once the limiter answers";
}

TEST_F(DeliveryWorkerTest, DrainReleasesWhatWasClaimedButNotSent) {
    for (std::uint64_t id = 1; id <= 3; ++id) {
        queue_.Add(id);
    }
    auto worker = ThrottledWorker();
    worker.Step();
    ASSERT_EQ(provider_->pending.size(), 1u);
    provider_->AnswerAll(domain::Sent("m1"));
    worker.Drain(100ms);
    EXPECT_TRUE(queue_.stopped);
    EXPECT_EQ(store_.released, (std::vector<std::uint64_t>{2, 3}));
    EXPECT_EQ(queue_.requeued, (std::vector<std::uint64_t>{2, 3}));
    ASSERT_EQ(store_.recorded.size(), 1u);
    EXPECT_EQ(queue_.acked, (std::vector<std::uint64_t>{1}));
}

TEST_F(DeliveryWorkerTest, MessagesWaitingTooLongForTokensGoBackToTheOutbox) {
    queue_.Add(1);
    limiter_.tokens_per_call = 0;
    DeliveryWorkerOptions options;
    options.rate_per_second[domain::Channel::kEmail] = 1;
    options.max_wait_for_rate = 30s;
    auto worker = Worker(options);
    worker.Step();
    clock_.Advance(30s);
    worker.Step();
    clock_.Advance(5ms);
    worker.Step();
    ASSERT_EQ(store_.recorded.size(), 1u);
    EXPECT_EQ(domain::ToString(store_.recorded[0].status), "retrying");
    EXPECT_EQ(store_.recorded[0].attempts, 0u);
    EXPECT_EQ(worker.Stats().deferred, 1u);
    EXPECT_EQ(queue_.acked, (std::vector<std::uint64_t>{1}));
}

}  // namespace
}  // namespace bulkmsg::app
