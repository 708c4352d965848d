#include "support/in_memory_session_stores.hpp"

#include <algorithm>

namespace bulkmsg::testing {

std::optional<app::User> InMemoryUserStore::FindUser(const std::string& email) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, user] : users_) {
        if (user.email == email) {
            return user;
        }
    }
    return std::nullopt;
}

std::optional<app::User> InMemoryUserStore::FindUserById(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    const auto it = users_.find(id);
    return it == users_.end() ? std::nullopt : std::optional(it->second);
}

bool InMemoryUserStore::AddUser(const std::string& email, domain::UserRole role, const std::string& password_hash) {
    if (FindUser(email)) {
        return false;
    }
    std::lock_guard lock(mutex_);
    const auto id = users_.size() + 1;
    users_[id] = {id, email, role, password_hash, false, "2026-01-01 00:00:00"};
    return true;
}

std::vector<app::User> InMemoryUserStore::ListUsers() {
    std::lock_guard lock(mutex_);
    std::vector<app::User> list;
    for (const auto& [id, user] : users_) {
        list.push_back(user);
    }
    return list;
}

bool InMemoryUserStore::Update(const std::string& email, const std::function<void(app::User&)>& change) {
    std::lock_guard lock(mutex_);
    for (auto& [id, user] : users_) {
        if (user.email == email) {
            change(user);
            return true;
        }
    }
    return false;
}

bool InMemoryUserStore::DisableUser(const std::string& email) {
    return Update(email, [](app::User& user) { user.disabled = true; });
}

bool InMemoryUserStore::SetPasswordHash(const std::string& email, const std::string& password_hash) {
    return Update(email, [&](app::User& user) { user.password_hash = password_hash; });
}

void InMemorySessionStore::PutSession(const std::string& key, const app::SessionRecord& record,
                                      std::chrono::seconds ttl) {
    records[key] = record;
    ttls[key] = ttl;
}

void InMemorySessionStore::TouchSession(const std::string& key, const app::SessionRecord& record,
                                        std::chrono::seconds ttl) {
    if (records.contains(key)) {
        PutSession(key, record, ttl);
    }
}

std::optional<app::SessionRecord> InMemorySessionStore::GetSession(const std::string& key) {
    ThrowIfDown();
    const auto it = records.find(key);
    return it == records.end() ? std::nullopt : std::optional(it->second);
}

void InMemorySessionStore::DeleteSession(const std::string& key) {
    records.erase(key);
    ttls.erase(key);
}

std::optional<domain::TimePoint> InMemoryLoginAttempts::LockedUntil(const std::string& subject) {
    const auto it = locks.find(subject);
    return it == locks.end() ? std::nullopt : std::optional(it->second);
}

std::uint32_t InMemoryLoginAttempts::AddFailure(const std::string& subject, std::chrono::seconds) {
    return ++failures[subject];
}

void InMemoryLoginAttempts::Lock(const std::string& subject, domain::TimePoint until) {
    locks[subject] = until;
    failures.erase(subject);
}

void InMemoryLoginAttempts::Forget(const std::string& subject) {
    failures.erase(subject);
}

std::array<std::uint8_t, 32> CountingSecureRandom::Bytes32() {
    std::array<std::uint8_t, 32> bytes{};
    bytes[0] = ++next_;
    return bytes;
}

}  // namespace bulkmsg::testing
