#pragma once

#include "adapters/redis/redis_session.hpp"
#include "app/progress_cache.hpp"

namespace bulkmsg::redis {

/// ProgressCache in Redis: `bulkmsg:<namespace>:progress:<id>` holds the progress JSON with a TTL; the sorted
/// set `…:progress:<id>:samples` (score = time in ms) the done-count samples of the last two windows.
/// One connection behind a mutex, reopened after an error. Thread-safe.
class RedisProgressCache final : public app::ProgressCache {
public:
    /// `key_namespace` keeps deployments (databases) that share one Redis apart; the database name fits.
    RedisProgressCache(domain::RedisConfig config, std::string key_namespace);

    std::optional<std::string> Get(std::uint64_t campaign_id) override;
    void Put(std::uint64_t campaign_id, const std::string& progress_json, std::chrono::seconds ttl) override;
    void Forget(std::uint64_t campaign_id) override;
    domain::DoneSample RecordSample(std::uint64_t campaign_id, const domain::DoneSample& sample,
                                    std::chrono::seconds window) override;

private:
    std::string Key(std::uint64_t campaign_id) const;

    RedisSession session_;
    std::string prefix_;
};

}  // namespace bulkmsg::redis
