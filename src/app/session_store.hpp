#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/outbox_row.hpp"

namespace bulkmsg::app {

/// What the server keeps of a session. `credential` fingerprints the user's password hash at login, so a new
/// password ends the sessions started with the old one.
struct SessionRecord {
    std::uint64_t user_id = 0;
    std::string csrf_token;
    std::string credential;
    domain::TimePoint created_at;
    domain::TimePoint last_seen_at;
};

/// Dashboard sessions (port), keyed by the SHA-256 of the session id so the store never holds a usable cookie.
/// A session the store dropped (its TTL passed) is simply absent. Thread-safe.
class SessionStore {
public:
    virtual ~SessionStore() = default;
    virtual void PutSession(const std::string& key, const SessionRecord& record, std::chrono::seconds ttl) = 0;
    /// Rewrites the session only while it still exists, so a request racing a logout cannot bring it back.
    virtual void TouchSession(const std::string& key, const SessionRecord& record, std::chrono::seconds ttl) = 0;
    virtual std::optional<SessionRecord> GetSession(const std::string& key) = 0;
    virtual void DeleteSession(const std::string& key) = 0;
};

}  // namespace bulkmsg::app
