#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bulkmsg::domain {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

/// Whole seconds / milliseconds since the Unix epoch (JWT claims, provider headers, Redis scores).
inline std::int64_t EpochSeconds(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline std::int64_t EpochMillis(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// The part of an outbox row the poller needs to publish it.
struct OutboxRow {
    std::uint64_t id = 0;
    std::uint64_t campaign_id = 0;
    std::string user_ref;
    std::string kind;
    std::string idempotency_key;
    unsigned attempts = 0;    // attempts already made
    std::string traceparent;  // W3C trace context stored with the row; empty when none
};

/// Which rows a claim selects, all through idx_outbox_claim (status, available_at, id) in its order. available_at is
/// the due time of pending and retrying rows, and when a queued row was published or a sending row claimed.
enum class ClaimKind {
    kPending,       // status 'pending' and available_at <= now
    kDueRetry,      // status 'retrying' and available_at <= now
    kStaleQueued,   // status 'queued' and published at or before now - lease
    kStaleSending,  // status 'sending' (its consumer died) and claimed at or before now - lease
};

}  // namespace bulkmsg::domain
