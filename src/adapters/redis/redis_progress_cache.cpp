#include "adapters/redis/redis_progress_cache.hpp"

namespace bulkmsg::redis {

RedisProgressCache::RedisProgressCache(domain::RedisConfig config, std::string key_namespace)
    : session_(std::move(config)), prefix_("bulkmsg:" + key_namespace + ":progress:") {}

std::string RedisProgressCache::Key(std::uint64_t campaign_id) const {
    return prefix_ + std::to_string(campaign_id);
}

std::optional<std::string> RedisProgressCache::Get(std::uint64_t campaign_id) {
    auto value = session_.Run([&](RedisClient& c) { return c.Command({"GET", Key(campaign_id)}); });
    return value.empty() ? std::nullopt : std::optional(std::move(value));
}

void RedisProgressCache::Put(std::uint64_t campaign_id, const std::string& progress_json, std::chrono::seconds ttl) {
    session_.Run([&](RedisClient& c) {
        return c.Command({"SET", Key(campaign_id), progress_json, "EX", std::to_string(ttl.count())});
    });
}

void RedisProgressCache::Forget(std::uint64_t campaign_id) {
    session_.Run([&](RedisClient& c) { return c.Command({"DEL", Key(campaign_id)}); });
}

domain::DoneSample RedisProgressCache::RecordSample(std::uint64_t campaign_id, const domain::DoneSample& sample,
                                                    std::chrono::seconds window) {
    const auto key = Key(campaign_id) + ":samples";
    const auto now_ms = domain::EpochMillis(sample.at);
    const auto window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window).count();
    const auto oldest = session_.Run([&](RedisClient& c) {
        c.Command({"ZADD", key, std::to_string(now_ms), std::to_string(now_ms) + ":" + std::to_string(sample.done)});
        c.Command({"ZREMRANGEBYSCORE", key, "-inf", "(" + std::to_string(now_ms - 2 * window_ms)});
        c.Command({"PEXPIRE", key, std::to_string(2 * window_ms)});
        return c.CommandList({"ZRANGEBYSCORE", key, std::to_string(now_ms - window_ms), "+inf", "LIMIT", "0", "1"});
    });
    // Members are "<time ms>:<done>".
    if (oldest.empty() || oldest[0].find(':') == std::string::npos) {
        return sample;
    }
    const auto colon = oldest[0].find(':');
    return {domain::TimePoint(std::chrono::milliseconds(std::stoll(oldest[0].substr(0, colon)))),
            std::stoull(oldest[0].substr(colon + 1))};
}

}  // namespace bulkmsg::redis
