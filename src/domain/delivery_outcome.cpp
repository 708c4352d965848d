#include "domain/delivery_outcome.hpp"

#include <algorithm>

namespace bulkmsg::domain {

std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, unsigned attempts_made, double jitter) {
    const auto base = std::chrono::duration_cast<std::chrono::milliseconds>(policy.delay);
    if (!policy.exponential) {
        return base;
    }
    const unsigned doublings = std::min(attempts_made > 0 ? attempts_made - 1 : 0u, 20u);
    const double scaled =
        static_cast<double>(base.count()) * static_cast<double>(1u << doublings) * (0.75 + 0.5 * jitter);
    return std::chrono::milliseconds(static_cast<std::int64_t>(scaled));
}

DeliveryOutcome DecideOutcome(std::uint64_t outbox_id, std::uint64_t campaign_id, const SendResult& result,
                              unsigned attempts_before, const RetryPolicy& policy, TimePoint now, double jitter) {
    DeliveryOutcome out;
    out.outbox_id = outbox_id;
    out.campaign_id = campaign_id;
    out.attempts = attempts_before + 1;
    out.available_at = now;
    switch (result.outcome) {
        case SendOutcome::kSent:
            out.status = OutboxStatus::kSent;
            out.provider_msg_id = result.provider_message_id;
            return out;
        case SendOutcome::kPermanent:
            out.status = OutboxStatus::kFailed;
            out.last_error = result.reason;
            out.dead_letter = true;
            return out;
        case SendOutcome::kRateLimited:
            out.status = OutboxStatus::kRetrying;
            out.attempts = attempts_before;
            out.last_error = result.reason;
            out.available_at = now + std::max<std::chrono::seconds>(result.retry_after, std::chrono::seconds(1));
            return out;
        case SendOutcome::kRetryable: break;
    }
    out.last_error = result.reason;
    if (out.attempts >= policy.max_attempts) {
        out.status = OutboxStatus::kFailed;
        out.last_error = "gave up after " + std::to_string(out.attempts) + " attempts: " + result.reason;
        return out;
    }
    out.status = OutboxStatus::kRetrying;
    out.available_at =
        now + std::max<std::chrono::milliseconds>(RetryDelay(policy, out.attempts, jitter), result.retry_after);
    return out;
}

}  // namespace bulkmsg::domain
