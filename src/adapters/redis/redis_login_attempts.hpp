#pragma once

#include "adapters/redis/redis_session.hpp"
#include "app/login_attempts.hpp"

namespace bulkmsg::redis {

/// LoginAttempts in Redis, shared by every API process: `bulkmsg:<namespace>:login:fail:<subject>` counts failures
/// (INCR; it expires a window after the first), `…:login:lock:<subject>` holds the lock's end in epoch ms. The
/// caller decides with its own clock whether a lock still holds; the lock key's one-day TTL only tidies up.
/// Thread-safe.
class RedisLoginAttempts final : public app::LoginAttempts {
public:
    RedisLoginAttempts(domain::RedisConfig config, std::string key_namespace);

    std::optional<domain::TimePoint> LockedUntil(const std::string& subject) override;
    std::uint32_t AddFailure(const std::string& subject, std::chrono::seconds window) override;
    void Lock(const std::string& subject, domain::TimePoint until) override;
    void Forget(const std::string& subject) override;

private:
    RedisSession connection_;
    std::string prefix_;
};

}  // namespace bulkmsg::redis
