#include "adapters/redis/redis_delivery_guards.hpp"

#include <cmath>

namespace bulkmsg::redis {

namespace {

// KEYS[1] the provider's hold key; ARGV[1] the end of the hold (epoch ms).
// The key's value is the end of the hold (epoch ms), and it expires then. A hold only ever lengthens: consumers
// that got 429s with different Retry-After values keep the latest end, not the last one written.
constexpr const char* kExtendHold = R"lua(
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1])
end
return 1
)lua";

// KEYS[1] bucket; ARGV rate/s, capacity, now (ms), wanted. Returns the tokens granted.
constexpr const char* kTokenBucket = R"lua(
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local wanted = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * rate / 1000)
  at = now
end
local granted = math.min(wanted, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], 60000)
return granted
)lua";

}  // namespace

RedisSentMarkers::RedisSentMarkers(domain::RedisConfig config, std::string key_namespace, std::chrono::seconds ttl)
    : session_(std::move(config)), prefix_("bulkmsg:" + key_namespace + ":sent:"), ttl_(ttl) {}

std::vector<std::optional<std::string>> RedisSentMarkers::Find(const std::vector<std::string>& idempotency_keys) {
    std::vector<std::optional<std::string>> found(idempotency_keys.size());
    if (idempotency_keys.empty()) {
        return found;
    }
    std::vector<std::string> args = {"MGET"};
    for (const auto& key : idempotency_keys) {
        args.push_back(prefix_ + key);
    }
    const auto values = session_.Run([&](RedisClient& c) { return c.CommandList(args); });
    for (std::size_t i = 0; i < values.size() && i < found.size(); ++i) {
        if (!values[i].empty()) {
            found[i] = values[i];
        }
    }
    return found;
}

void RedisSentMarkers::Mark(const std::vector<std::pair<std::string, std::string>>& key_and_provider_id) {
    if (key_and_provider_id.empty()) {
        return;
    }
    const auto ttl = std::to_string(ttl_.count());
    std::vector<std::vector<std::string>> commands;
    commands.reserve(key_and_provider_id.size());
    for (const auto& [key, provider_id] : key_and_provider_id) {
        // An empty value would read as "absent"; providers without an id still mark the key.
        commands.push_back({"SET", prefix_ + key, provider_id.empty() ? "-" : provider_id, "NX", "EX", ttl});
    }
    // One round trip for the whole step's acceptances (one per key cost a Redis round trip per message).
    session_.Run([&](RedisClient& c) { return c.Pipeline(commands); });
}

RedisRateLimiter::RedisRateLimiter(domain::RedisConfig config, std::string key_namespace, double burst_seconds)
    : session_(std::move(config)), prefix_("bulkmsg:" + key_namespace + ":"), burst_seconds_(burst_seconds) {}

std::size_t RedisRateLimiter::Acquire(const std::string& bucket, double per_second, std::size_t wanted,
                                      domain::TimePoint now) {
    const double capacity = std::max(1.0, std::floor(per_second * burst_seconds_));
    const auto granted = session_.Run([&](RedisClient& c) {
        return c.Command({"EVAL", kTokenBucket, "1", prefix_ + "rate:" + bucket, std::to_string(per_second),
                          std::to_string(capacity), std::to_string(domain::EpochMillis(now)), std::to_string(wanted)});
    });
    return static_cast<std::size_t>(std::stoull(granted));
}

void RedisRateLimiter::Hold(const std::string& provider, domain::TimePoint until) {
    const auto ms = std::to_string(domain::EpochMillis(until));
    session_.Run([&](RedisClient& c) {
        return c.Command({"EVAL", kExtendHold, "1", prefix_ + "hold:" + provider, ms});
    });
}

std::optional<domain::TimePoint> RedisRateLimiter::HeldUntil(const std::string& provider, domain::TimePoint now) {
    const auto value = session_.Run([&](RedisClient& c) { return c.Command({"GET", prefix_ + "hold:" + provider}); });
    if (value.empty()) {
        return std::nullopt;
    }
    const domain::TimePoint until{std::chrono::milliseconds(std::stoll(value))};
    return until > now ? std::optional(until) : std::nullopt;
}

}  // namespace bulkmsg::redis
