#pragma once

#include "adapters/redis/redis_session.hpp"
#include "app/delivery_ports.hpp"

namespace bulkmsg::redis {

/// SentMarkers in Redis: `bulkmsg:<namespace>:sent:<idempotency key>` = provider message id, written with SET NX
/// and a TTL longer than the whole retry horizon; read with one MGET per batch. Thread-safe.
class RedisSentMarkers final : public app::SentMarkers {
public:
    RedisSentMarkers(domain::RedisConfig config, std::string key_namespace, std::chrono::seconds ttl);

    std::vector<std::optional<std::string>> Find(const std::vector<std::string>& idempotency_keys) override;
    void Mark(const std::vector<std::pair<std::string, std::string>>& key_and_provider_id) override;

private:
    RedisSession session_;
    std::string prefix_;
    std::chrono::seconds ttl_;
};

/// RateLimiter in Redis: a token bucket per name (`…:rate:<bucket>`, a hash of tokens and time) refilled and
/// taken from atomically in one Lua script, so every consumer process shares it; its capacity is 1/20 of the
/// rate (50 ms of burst, at least one token). Provider holds are keys `…:hold:<provider>` that expire when the hold
/// ends; a hold only lengthens (a shorter one arriving later changes nothing).
/// Thread-safe.
class RedisRateLimiter final : public app::RateLimiter {
public:
    /// A bucket holds `burst_seconds` of its rate (at least one token): providers get smooth sends (50 ms), API keys
    /// bursts of a second.
    RedisRateLimiter(domain::RedisConfig config, std::string key_namespace, double burst_seconds = 0.05);

    std::size_t Acquire(const std::string& bucket, double per_second, std::size_t wanted,
                        domain::TimePoint now) override;
    void Hold(const std::string& provider, domain::TimePoint until) override;
    std::optional<domain::TimePoint> HeldUntil(const std::string& provider, domain::TimePoint now) override;

private:
    RedisSession session_;
    std::string prefix_;
    double burst_seconds_;
};

}  // namespace bulkmsg::redis
