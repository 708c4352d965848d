#include "domain/session_expiry.hpp"

#include <algorithm>

namespace bulkmsg::domain {

SessionState SessionStateAt(TimePoint created_at, TimePoint last_seen_at, TimePoint now,
                            const SessionLifetime& lifetime) {
    if (now >= created_at + lifetime.absolute) {
        return SessionState::kAbsoluteExpired;
    }
    if (now >= last_seen_at + lifetime.idle) {
        return SessionState::kIdleExpired;
    }
    return SessionState::kActive;
}

std::chrono::seconds SessionTimeToLive(TimePoint created_at, TimePoint now, const SessionLifetime& lifetime) {
    const auto end = std::min(now + lifetime.idle, created_at + lifetime.absolute);
    return std::max(std::chrono::seconds(1), std::chrono::duration_cast<std::chrono::seconds>(end - now));
}

}  // namespace bulkmsg::domain
