#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "domain/outbox_row.hpp"
#include "domain/outbox_status.hpp"
#include "domain/providers/provider_types.hpp"

namespace bulkmsg::domain {

/// How failed sends are retried: MAX_ATTEMPTS, RETRY_DELAY_SECONDS, RETRY_BACKOFF.
struct RetryPolicy {
    unsigned max_attempts = 3;
    std::chrono::seconds delay{300};
    bool exponential = false;  // delay doubles per attempt, with ±25 % jitter
};

/// What becomes of an outbox row after one delivery attempt.
struct DeliveryOutcome {
    std::uint64_t outbox_id = 0;
    std::uint64_t campaign_id = 0;
    OutboxStatus status = OutboxStatus::kRetrying;  // kSent, kRetrying or kFailed
    unsigned attempts = 0;                          // attempts made, this one included
    TimePoint available_at;                         // retrying: when the poller publishes it again
    std::string last_error;                         // empty when sent
    std::string provider_msg_id;                    // sent
    bool dead_letter = false;                       // permanent failure: a copy goes to the dead-letter queue
    std::uint64_t claim_token = 0;  // the claim that sent it: the store writes the outcome only while it holds the row
};

/// The row's next state after `result`:
///   sent → "sent" with the provider id; permanent → "failed" at once and dead-lettered;
///   retryable → "retrying" after the policy's delay, or later when the provider asked, until max_attempts is
///   reached, then "failed" ("gave up after N attempts: …");
///   rate limited → "retrying" after the provider's wait (at least 1 s) without counting an attempt: the provider
///   refused to process it, so it says nothing about the message.
/// `jitter` in [0, 1) spreads exponential delays.
DeliveryOutcome DecideOutcome(std::uint64_t outbox_id, std::uint64_t campaign_id, const SendResult& result,
                              unsigned attempts_before, const RetryPolicy& policy, TimePoint now, double jitter);

/// The delay before attempt `attempts_made + 1` under `policy` (without the provider's wait).
std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, unsigned attempts_made, double jitter);

}  // namespace bulkmsg::domain
