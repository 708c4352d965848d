#include "app/session_service.hpp"

#include <algorithm>

#include "domain/password_hash.hpp"
#include "domain/secret_text.hpp"
#include "domain/sha256.hpp"

namespace bulkmsg::app {

namespace {

constexpr std::size_t kTokenHexDigits = 64;
constexpr std::chrono::minutes kTouchInterval{1};

std::string CredentialOf(const User& user) {
    return domain::Sha256Hex(user.password_hash).substr(0, 32);
}

bool WellFormed(const std::string& session_id) {
    return session_id.size() == kTokenHexDigits && std::all_of(session_id.begin(), session_id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

}  // namespace

SessionService::SessionService(UserStore& users, SessionStore& sessions, LoginThrottle& throttle, Clock& clock,
                               SecureRandom& random, domain::SessionLifetime lifetime, domain::PasswordCost decoy_cost)
    : users_(users),
      sessions_(sessions),
      throttle_(throttle),
      clock_(clock),
      random_(random),
      lifetime_(lifetime),
      decoy_cost_(decoy_cost) {}

// Verified against for unknown users, so that a login's timing does not tell which emails exist. Hashed on first
// use, not at start-up.
const std::string& SessionService::DecoyHash() {
    std::call_once(decoy_once_,
                   [this] { decoy_hash_ = domain::HashPassword("bulkmsg-decoy-password", {}, decoy_cost_); });
    return decoy_hash_;
}

std::string SessionService::NewToken() {
    return domain::HexOf(random_.Bytes32());
}

std::chrono::seconds SessionService::CookieLifetime() const {
    return lifetime_.absolute;
}

LoginResult SessionService::Login(const std::string& email, const std::string& password, const std::string& address) {
    LoginResult result;
    if (const auto wait = throttle_.RetryAfter(email, address)) {
        result.outcome = LoginResult::Outcome::kLocked;
        result.retry_after = *wait;
        return result;
    }
    const auto user = users_.FindUser(email);
    const bool matches = domain::VerifyPassword(user ? user->password_hash : DecoyHash(), password);
    if (!user || user->disabled || !matches) {
        throttle_.Failed(email, address);
        return result;
    }
    throttle_.Succeeded(email);
    const auto now = clock_.Now();
    result.outcome = LoginResult::Outcome::kStarted;
    result.session_id = NewToken();
    result.session = {*user, NewToken()};
    sessions_.PutSession(domain::Sha256Hex(result.session_id),
                         {user->id, result.session.csrf_token, CredentialOf(*user), now, now},
                         domain::SessionTimeToLive(now, now, lifetime_));
    return result;
}

bool SessionService::Expired(const SessionRecord& record, domain::TimePoint now) const {
    return domain::SessionStateAt(record.created_at, record.last_seen_at, now, lifetime_) !=
           domain::SessionState::kActive;
}

std::optional<SessionUser> SessionService::Resolve(const std::string& session_id) {
    if (!WellFormed(session_id)) {
        return std::nullopt;
    }
    const auto key = domain::Sha256Hex(session_id);
    auto record = sessions_.GetSession(key);
    if (!record) {
        return std::nullopt;
    }
    const auto now = clock_.Now();
    const auto user = Expired(*record, now) ? std::nullopt : users_.FindUserById(record->user_id);
    if (!user || user->disabled || !domain::SameSecret(CredentialOf(*user), record->credential)) {
        sessions_.DeleteSession(key);
        return std::nullopt;
    }
    if (now - record->last_seen_at >= kTouchInterval) {
        record->last_seen_at = now;
        sessions_.TouchSession(key, *record, domain::SessionTimeToLive(record->created_at, now, lifetime_));
    }
    return SessionUser{*user, record->csrf_token};
}

void SessionService::Logout(const std::string& session_id) {
    if (WellFormed(session_id)) {
        sessions_.DeleteSession(domain::Sha256Hex(session_id));
    }
}

}  // namespace bulkmsg::app
