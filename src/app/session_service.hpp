#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "app/clock.hpp"
#include "app/login_throttle.hpp"
#include "app/random_source.hpp"
#include "app/session_store.hpp"
#include "app/user_store.hpp"
#include "domain/password_hash.hpp"
#include "domain/session_expiry.hpp"

namespace bulkmsg::app {

/// A request's session: who it is (re-read from the user store on every request, so a disabled user or a new
/// role counts at once) and the session's CSRF token.
struct SessionUser {
    User user;
    std::string csrf_token;
};

struct LoginResult {
    enum class Outcome { kStarted, kWrongCredentials, kLocked };
    Outcome outcome = Outcome::kWrongCredentials;
    std::string session_id;  // 64 hex digits (256 random bits); the cookie's value
    SessionUser session;
    std::chrono::seconds retry_after{0};  // kLocked
};

/// Dashboard logins and sessions: ids and CSRF tokens from the secure random source, idle and absolute expiry
/// judged on the injected clock, login attempts limited by the throttle. Thread-safe when its ports are.
class SessionService {
public:
    /// `decoy_cost`: the cost of the hash unknown users are checked against (the cost new hashes get; tests use a
    /// cheaper one).
    SessionService(UserStore& users, SessionStore& sessions, LoginThrottle& throttle, Clock& clock,
                   SecureRandom& random, domain::SessionLifetime lifetime, domain::PasswordCost decoy_cost = {});

    /// Checks the password and starts a new session (always a new id: an id the client brought is never kept).
    /// Unknown and disabled users get kWrongCredentials after the same hashing work as a wrong password.
    LoginResult Login(const std::string& email, const std::string& password, const std::string& address);
    /// The live session `session_id` names, or nullopt (unknown, expired, user gone or disabled or password
    /// changed: then the session is also deleted). Extends the idle timeout at most once a minute.
    std::optional<SessionUser> Resolve(const std::string& session_id);
    /// Ends the session (nothing happens for an unknown id).
    void Logout(const std::string& session_id);
    /// How long a new session's cookie lives (the absolute lifetime; the idle one is enforced by the server).
    std::chrono::seconds CookieLifetime() const;

private:
    std::string NewToken();
    const std::string& DecoyHash();
    bool Expired(const SessionRecord& record, domain::TimePoint now) const;

    UserStore& users_;
    SessionStore& sessions_;
    LoginThrottle& throttle_;
    Clock& clock_;
    SecureRandom& random_;
    domain::SessionLifetime lifetime_;
    domain::PasswordCost decoy_cost_;
    std::once_flag decoy_once_;
    std::string decoy_hash_;
};

}  // namespace bulkmsg::app
