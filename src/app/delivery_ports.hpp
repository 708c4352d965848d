#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/delivery_outcome.hpp"
#include "domain/providers/provider_types.hpp"

namespace bulkmsg::app {

/// One message taken from notification.queue, not yet acknowledged.
struct Delivery {
    std::uint64_t tag = 0;  // the broker's delivery tag on this worker's channel
    std::string body;
    std::string traceparent;  // the message's `traceparent` header (the poller's publish span); "" when absent
};

/// The work queue as a consumer sees it (port; RabbitMQ with manual acks in production). One per worker thread.
class DeliveryQueue {
public:
    virtual ~DeliveryQueue() = default;
    /// Up to `max` messages, waiting at most `timeout` for the first.
    virtual std::vector<Delivery> Receive(std::size_t max, std::chrono::milliseconds timeout) = 0;
    /// Acknowledges exactly these deliveries (consecutive runs with one multiple-ack).
    virtual void Ack(std::vector<std::uint64_t> tags) = 0;
    /// Returns these deliveries to the queue for another consumer.
    virtual void Requeue(const std::vector<std::uint64_t>& tags) = 0;
    /// Publishes a copy of `body` with `reason` to the dead-letter queue.
    virtual void DeadLetter(const std::string& body, const std::string& reason) = 0;
    /// Stops the broker from sending more messages (unacknowledged ones stay with this consumer).
    virtual void StopConsuming() = 0;
};

/// What the store decided about one received message when claiming it.
struct ClaimVerdict {
    enum class Kind {
        kDeliver,    // claimed: status is now 'sending'; send it
        kDone,       // already sent, failed, cancelled or suppressed: acknowledge, nothing to do
        kBusy,       // another worker holds it ('sending' within the lease): acknowledge
        kPaused,     // its campaign is paused: the row went back to 'pending' ('sending' past the lease: stays)
        kCancelled,  // its campaign is cancelled: the row is now 'cancelled'
        kInvalid,    // unknown outbox id or a key that does not match: dead-letter it
    };
    Kind kind = Kind::kInvalid;
    domain::OutboundMessage message;  // kDeliver
    unsigned attempts = 0;            // kDeliver: attempts already made
    std::uint64_t claim_token = 0;    // kDeliver: this claim's token (outcomes and releases name it)
    bool taken_over = false;  // kDeliver: an earlier claim left its token: a send may have been accepted unrecorded
    std::string reason;       // kInvalid
};

struct ClaimRequest {
    std::uint64_t outbox_id = 0;
    std::string idempotency_key;
    std::string kind;  // the channel the message names (for metrics; the row's own kind is what is sent)
};

/// A row a claim holds, by the claim's token.
struct HeldRow {
    std::uint64_t outbox_id = 0;
    std::uint64_t claim_token = 0;
};

/// The outbox as the consumers use it (port; MySQL in production). Thread-safe.
class DeliveryStore {
public:
    virtual ~DeliveryStore() = default;
    /// Claims the rows in one transaction: pending/queued/retrying rows (and 'sending' rows past the
    /// lease) move to 'sending'. Returns one verdict per request, in order.
    virtual std::vector<ClaimVerdict> Claim(const std::vector<ClaimRequest>& requests, domain::TimePoint now,
                                            std::chrono::seconds lease) = 0;
    /// Stores the outcomes in one transaction (only rows their claim token still holds change), adds `suppress`
    /// recipients to the suppression list and marks campaigns with nothing left to send `completed`.
    virtual void Record(const std::vector<domain::DeliveryOutcome>& outcomes,
                        const std::vector<domain::OutboundMessage>& suppress, domain::TimePoint now) = 0;
    /// Gives claimed rows back ('sending' → 'queued', token cleared) so the next consumer can take them; a row
    /// another claim has taken since is left alone.
    virtual void Release(const std::vector<HeldRow>& rows) = 0;
};

/// Provider acceptances recorded outside MySQL (port; Redis SET NX with a TTL longer than the retry horizon), so a
/// message redelivered after the provider accepted it but before its row was stored is not sent again.
class SentMarkers {
public:
    virtual ~SentMarkers() = default;
    /// For each key, the provider message id recorded for it, if any.
    virtual std::vector<std::optional<std::string>> Find(const std::vector<std::string>& idempotency_keys) = 0;
    virtual void Mark(const std::vector<std::pair<std::string, std::string>>& key_and_provider_id) = 0;
};

/// A rate shared by every consumer process (port; a Redis token bucket in production).
class RateLimiter {
public:
    virtual ~RateLimiter() = default;
    /// Takes up to `wanted` tokens of `bucket` at `per_second`; returns how many it got.
    virtual std::size_t Acquire(const std::string& bucket, double per_second, std::size_t wanted,
                                domain::TimePoint now) = 0;
    /// Holds every consumer back from `provider` until `until` (after a 429).
    virtual void Hold(const std::string& provider, domain::TimePoint until) = 0;
    /// When `provider` may be used again; nullopt when it is not held.
    virtual std::optional<domain::TimePoint> HeldUntil(const std::string& provider, domain::TimePoint now) = 0;
};

}  // namespace bulkmsg::app
