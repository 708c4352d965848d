#include "domain/delivery_outcome.hpp"

#include <gtest/gtest.h>

#include "domain/delivery_claim.hpp"

namespace bulkmsg::domain {
namespace {

// The claim decision for statuses named as the database stores them.
ClaimDecision Decide(std::string_view row, std::string_view campaign, bool within_lease, bool due = true) {
    return DecideClaim(*ParseOutboxStatus(row), *ParseCampaignStatus(campaign), within_lease, due);
}

using namespace std::chrono_literals;
const TimePoint kNow{std::chrono::seconds(1'800'000'000)};
const RetryPolicy kFixed{3, 300s, false};

TEST(DeliveryOutcomeTest, SentKeepsTheProviderId) {
    const auto o = DecideOutcome(7, 1, Sent("SM1"), 0, kFixed, kNow, 0);
    EXPECT_EQ(ToString(o.status), "sent");
    EXPECT_EQ(o.attempts, 1u);
    EXPECT_EQ(o.provider_msg_id, "SM1");
    EXPECT_FALSE(o.dead_letter);
}

TEST(DeliveryOutcomeTest, RetryableWaitsTheDelayOrTheProvidersLongerWaitThenGivesUp) {
    auto first = DecideOutcome(7, 1, Retryable("sendgrid 500"), 0, kFixed, kNow, 0);
    EXPECT_EQ(ToString(first.status), "retrying");
    EXPECT_EQ(first.attempts, 1u);
    EXPECT_EQ(first.available_at, kNow + 300s);
    EXPECT_EQ(first.last_error, "sendgrid 500");
    EXPECT_EQ(DecideOutcome(7, 1, Retryable("fcm 503", 900s), 1, kFixed, kNow, 0).available_at, kNow + 900s);
    auto last = DecideOutcome(7, 1, Retryable("sendgrid 500"), 2, kFixed, kNow, 0);
    EXPECT_EQ(ToString(last.status), "failed");
    EXPECT_EQ(last.attempts, 3u);
    EXPECT_EQ(last.last_error, "gave up after 3 attempts: sendgrid 500");
    EXPECT_FALSE(last.dead_letter);
}

TEST(DeliveryOutcomeTest, ExponentialBackoffDoublesWithJitter) {
    const RetryPolicy exp{5, 10s, true};
    EXPECT_EQ(RetryDelay(exp, 1, 0.5), 10s);
    EXPECT_EQ(RetryDelay(exp, 2, 0.5), 20s);
    EXPECT_EQ(RetryDelay(exp, 3, 0.5), 40s);
    EXPECT_EQ(RetryDelay(exp, 3, 0.0), 30s);
    EXPECT_EQ(RetryDelay(exp, 3, 0.999), std::chrono::milliseconds(49'980));
    EXPECT_EQ(RetryDelay(kFixed, 2, 0.9), 300s);
}

TEST(DeliveryOutcomeTest, PermanentFailsAtOnceAndIsDeadLettered) {
    const auto o = DecideOutcome(7, 1, Permanent("apns 410 Unregistered"), 0, kFixed, kNow, 0);
    EXPECT_EQ(ToString(o.status), "failed");
    EXPECT_EQ(o.attempts, 1u);
    EXPECT_TRUE(o.dead_letter);
    EXPECT_EQ(o.last_error, "apns 410 Unregistered");
}

TEST(DeliveryOutcomeTest, RateLimitedDoesNotCountAnAttempt) {
    const auto o = DecideOutcome(7, 1, RateLimited("twilio 429 20429", 0s), 2, kFixed, kNow, 0);
    EXPECT_EQ(ToString(o.status), "retrying");
    EXPECT_EQ(o.attempts, 2u);
    EXPECT_EQ(o.available_at, kNow + 1s);
    EXPECT_EQ(DecideOutcome(7, 1, RateLimited("x", 30s), 2, kFixed, kNow, 0).available_at, kNow + 30s);
}

TEST(DeliveryClaimTest, DecidesFromRowAndCampaignStatus) {
    for (const char* done : {"sent", "failed", "cancelled", "suppressed"}) {
        EXPECT_EQ(Decide(done, "running", false), ClaimDecision::kDone) << done;
        EXPECT_EQ(Decide(done, "cancelled", true), ClaimDecision::kDone) << done;
    }
    for (const char* open : {"pending", "queued", "retrying"}) {
        EXPECT_EQ(Decide(open, "running", true), ClaimDecision::kDeliver) << open;
        EXPECT_EQ(Decide(open, "paused", true), ClaimDecision::kPaused) << open;
        EXPECT_EQ(Decide(open, "cancelled", true), ClaimDecision::kCancelled) << open;
    }
    EXPECT_EQ(Decide("sending", "running", true), ClaimDecision::kBusy) << "its holder may still be sending it";
    EXPECT_EQ(Decide("sending", "paused", true), ClaimDecision::kBusy);
    EXPECT_EQ(Decide("sending", "running", false), ClaimDecision::kDeliver) << "lease ran out";
    EXPECT_EQ(Decide("sending", "paused", false), ClaimDecision::kPaused);
}

TEST(DeliveryClaimTest, ARetryingRowIsNotDeliveredBeforeItsBackoffEnds) {
    EXPECT_EQ(Decide("retrying", "running", false, false), ClaimDecision::kDone) << "stale copy of a requeued batch";
    EXPECT_EQ(Decide("retrying", "paused", false, false), ClaimDecision::kDone) << "the poller takes it after resume";
    EXPECT_EQ(Decide("retrying", "cancelled", false, false), ClaimDecision::kCancelled)
        << "the poller skips cancelled campaigns: this copy closes the row";
    EXPECT_EQ(Decide("retrying", "running", false, true), ClaimDecision::kDeliver);
    for (const char* open : {"pending", "queued"}) {
        EXPECT_EQ(Decide(open, "running", false, false), ClaimDecision::kDeliver) << open << " ignores available_at";
    }
}

}  // namespace
}  // namespace bulkmsg::domain
