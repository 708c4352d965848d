#pragma once

#include <chrono>

#include "domain/outbox_row.hpp"

namespace bulkmsg::domain {

/// A session's lifetime: it ends `idle` after its last request, or `absolute` after login, whichever is first.
struct SessionLifetime {
    std::chrono::minutes idle{720};
    std::chrono::minutes absolute{7 * 24 * 60};
};

enum class SessionState { kActive, kIdleExpired, kAbsoluteExpired };

/// The state at `now` of a session created at `created_at` whose last request was at `last_seen_at`.
SessionState SessionStateAt(TimePoint created_at, TimePoint last_seen_at, TimePoint now,
                            const SessionLifetime& lifetime);

/// How long the store should keep the session after a request at `now`: until the earlier of its two ends (at
/// least one second, so a store TTL is never zero).
std::chrono::seconds SessionTimeToLive(TimePoint created_at, TimePoint now, const SessionLifetime& lifetime);

}  // namespace bulkmsg::domain
