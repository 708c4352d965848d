#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/progress.hpp"

namespace bulkmsg::app {

/// Short-lived campaign progress shared by every API process (port; Redis in production). Implementations
/// must be thread-safe and may throw when the cache is unreachable (the API then counts in MySQL).
class ProgressCache {
public:
    virtual ~ProgressCache() = default;
    virtual std::optional<std::string> Get(std::uint64_t campaign_id) = 0;
    virtual void Put(std::uint64_t campaign_id, const std::string& progress_json, std::chrono::seconds ttl) = 0;
    /// Drops the cached progress (after a change made through the API, so its answer is not stale).
    virtual void Forget(std::uint64_t campaign_id) = 0;
    /// Keeps `sample` and returns the oldest kept sample not older than `window` before it (the sample
    /// itself when there is no older one).
    virtual domain::DoneSample RecordSample(std::uint64_t campaign_id, const domain::DoneSample& sample,
                                            std::chrono::seconds window) = 0;
};

}  // namespace bulkmsg::app
