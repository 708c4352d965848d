#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "app/clock.hpp"
#include "app/message_store.hpp"
#include "app/outage_gate.hpp"
#include "app/progress_cache.hpp"

namespace bulkmsg::app {

/// A campaign's progress document: targets, prepared, counts per outbox status, done, percent_done, as_of,
/// rate_per_second and eta_seconds (null without the cache). Counted in MySQL at most once per campaign every
/// 3 s across all API processes when the cache (Redis) is there; when the cache fails it is left alone for 500 ms
/// and progress is counted on every call, its warning logged at most every 10 s. Thread-safe.
class CampaignProgress {
public:
    CampaignProgress(MessageStore& messages, Clock& clock, ProgressCache* cache = nullptr);

    nlohmann::json Of(std::uint64_t campaign_id);
    /// Drops the cached document after a change, so the next read counts again.
    void Forget(std::uint64_t campaign_id);

private:
    bool UseCache();
    std::optional<nlohmann::json> Cached(std::uint64_t campaign_id);
    void AddRate(std::uint64_t campaign_id, nlohmann::json& progress);

    MessageStore& messages_;
    Clock& clock_;
    ProgressCache* cache_;
    OutageGate cache_gate_;
};

/// The provider-feedback part of the progress document: rows by delivery status (accepted = every row the provider
/// took; delivered includes the complained ones), opened/clicked/unsubscribed events, and the rates
/// delivered/accepted, bounced/accepted and complained/delivered (null while the divisor is 0).
nlohmann::json DeliveryJson(const CampaignCounts& counts);

/// The counted part of the progress document (no as_of, rate or ETA).
nlohmann::json ProgressJson(const CampaignCounts& counts);

}  // namespace bulkmsg::app
