#pragma once

// In-memory fakes of the login ports (users, sessions, login attempts, secure randomness) for unit tests.

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "app/login_attempts.hpp"
#include "app/random_source.hpp"
#include "app/session_store.hpp"
#include "app/user_store.hpp"
#include "support/in_memory_stores.hpp"

namespace bulkmsg::testing {

class InMemoryUserStore final : public app::UserStore {
public:
    std::optional<app::User> FindUser(const std::string& email) override;
    std::optional<app::User> FindUserById(std::uint64_t id) override;
    bool AddUser(const std::string& email, domain::UserRole role, const std::string& password_hash) override;
    std::vector<app::User> ListUsers() override;
    bool DisableUser(const std::string& email) override;
    bool SetPasswordHash(const std::string& email, const std::string& password_hash) override;

private:
    bool Update(const std::string& email, const std::function<void(app::User&)>& change);

    std::mutex mutex_;
    std::map<std::uint64_t, app::User> users_;
};

/// Keeps sessions with their TTLs (not enforced: expiry is the service's job, judged on its clock). Reads fail
/// while `down` is set.
class InMemorySessionStore final : public app::SessionStore, public Outage {
public:
    void PutSession(const std::string& key, const app::SessionRecord& record, std::chrono::seconds ttl) override;
    void TouchSession(const std::string& key, const app::SessionRecord& record, std::chrono::seconds ttl) override;
    std::optional<app::SessionRecord> GetSession(const std::string& key) override;
    void DeleteSession(const std::string& key) override;

    std::map<std::string, app::SessionRecord> records;
    std::map<std::string, std::chrono::seconds> ttls;
};

/// Counts failures per subject (the window is recorded, not enforced).
class InMemoryLoginAttempts final : public app::LoginAttempts {
public:
    std::optional<domain::TimePoint> LockedUntil(const std::string& subject) override;
    std::uint32_t AddFailure(const std::string& subject, std::chrono::seconds window) override;
    void Lock(const std::string& subject, domain::TimePoint until) override;
    void Forget(const std::string& subject) override;

    std::map<std::string, std::uint32_t> failures;
    std::map<std::string, domain::TimePoint> locks;
};

/// Distinct, predictable 32-byte values: the first byte counts up from 1.
class CountingSecureRandom final : public app::SecureRandom {
public:
    std::array<std::uint8_t, 32> Bytes32() override;

private:
    std::uint8_t next_ = 0;
};

/// The login ports of api::ApiStores, in memory, with the randomness HttpApi takes.
struct InMemorySessionStores {
    InMemoryUserStore users;
    InMemorySessionStore sessions;
    InMemoryLoginAttempts attempts;
    CountingSecureRandom random;
};

}  // namespace bulkmsg::testing
