#include "app/campaign_progress.hpp"

#include <algorithm>

#include "domain/campaign_request.hpp"
#include "domain/progress.hpp"

namespace bulkmsg::app {

namespace {

constexpr std::chrono::seconds kCacheTtl{3};
constexpr std::chrono::seconds kRateWindow{60};
// While Redis is down: how long the cache is left alone, and how often that is said.
constexpr std::chrono::milliseconds kDependencyRetry{500};
constexpr std::chrono::milliseconds kWarningInterval{10'000};

}  // namespace

nlohmann::json DeliveryJson(const CampaignCounts& counts) {
    const auto count = [](const auto& map, auto key) {
        const auto it = map.find(key);
        return it == map.end() ? std::uint64_t{0} : it->second;
    };
    using S = domain::DeliveryStatus;
    using E = domain::DeliveryEventType;
    // Every row the provider took is accepted, whatever it reported after.
    std::uint64_t accepted = 0;
    for (const auto& [status, n] : counts.delivery_by_status) {
        accepted += n;
    }
    // A complained message was delivered first.
    const auto delivered =
        count(counts.delivery_by_status, S::kDelivered) + count(counts.delivery_by_status, S::kComplained);
    const auto bounced = count(counts.delivery_by_status, S::kBounced);
    const auto complained = count(counts.delivery_by_status, S::kComplained);
    const auto rate = [](std::uint64_t part, std::uint64_t whole) {
        return whole ? nlohmann::json(static_cast<double>(part) / static_cast<double>(whole)) : nlohmann::json(nullptr);
    };
    return {
        {"accepted", accepted},
        {"delivered", delivered},
        {"deferred", count(counts.delivery_by_status, S::kDeferred)},
        {"bounced", bounced},
        {"dropped", count(counts.delivery_by_status, S::kDropped)},
        {"undelivered", count(counts.delivery_by_status, S::kUndelivered)},
        {"complained", complained},
        {"opened", count(counts.engagement, E::kOpen)},
        {"clicked", count(counts.engagement, E::kClick)},
        {"unsubscribed", count(counts.engagement, E::kUnsubscribe) + count(counts.engagement, E::kGroupUnsubscribe)},
        {"delivered_rate", rate(delivered, accepted)},
        {"bounce_rate", rate(bounced, accepted)},
        {"complaint_rate", rate(complained, delivered)}};
}

nlohmann::json ProgressJson(const CampaignCounts& counts) {
    nlohmann::json by_status = nlohmann::json::object();
    for (const auto status : domain::kAllOutboxStatuses) {
        by_status[std::string(domain::ToString(status))] = 0;
    }
    std::uint64_t in_outbox = 0, done = 0;
    for (const auto& [status, count] : counts.outbox_by_status) {
        by_status[std::string(domain::ToString(status))] = count;
        in_outbox += count;
        if (domain::IsFinal(status)) {
            done += count;
        }
    }
    const double percent =
        counts.targets ? 100.0 * static_cast<double>(done) / static_cast<double>(counts.targets) : 0.0;
    return {{"targets", counts.targets},
            {"prepared", in_outbox},
            {"counts", by_status},
            {"done", done},
            {"percent_done", std::min(100.0, percent)},
            {"delivery", DeliveryJson(counts)}};
}

CampaignProgress::CampaignProgress(MessageStore& messages, Clock& clock, ProgressCache* cache)
    : messages_(messages), clock_(clock), cache_(cache), cache_gate_("api", kDependencyRetry, kWarningInterval) {}

bool CampaignProgress::UseCache() {
    return cache_ != nullptr && cache_gate_.ShouldTry(clock_.Now());
}

void CampaignProgress::Forget(std::uint64_t campaign_id) {
    if (!UseCache()) {
        return;
    }
    try {
        cache_->Forget(campaign_id);
    } catch (const std::exception& e) {
        cache_gate_.Failed(clock_.Now(), "progress cache unavailable", e.what());
    }
}

std::optional<nlohmann::json> CampaignProgress::Cached(std::uint64_t campaign_id) {
    if (!UseCache()) {
        return std::nullopt;
    }
    try {
        if (const auto cached = cache_->Get(campaign_id)) {
            auto json = nlohmann::json::parse(*cached, nullptr, false);
            if (json.is_object()) {
                return json;
            }
        }
    } catch (const std::exception& e) {
        cache_gate_.Failed(clock_.Now(), "progress cache unavailable; counting in MySQL", e.what());
    }
    return std::nullopt;
}

void CampaignProgress::AddRate(std::uint64_t campaign_id, nlohmann::json& progress) {
    const domain::DoneSample now{clock_.Now(), progress["done"].get<std::uint64_t>()};
    try {
        const auto estimate = domain::EstimateProgress(cache_->RecordSample(campaign_id, now, kRateWindow), now,
                                                       progress["targets"].get<std::uint64_t>());
        progress["rate_per_second"] = estimate.per_second;
        progress["eta_seconds"] = estimate.eta_seconds ? nlohmann::json(*estimate.eta_seconds) : nlohmann::json();
        cache_->Put(campaign_id, progress.dump(), kCacheTtl);
    } catch (const std::exception& e) {
        cache_gate_.Failed(clock_.Now(), "progress cache unavailable; no send rate", e.what());
    }
}

nlohmann::json CampaignProgress::Of(std::uint64_t campaign_id) {
    if (auto cached = Cached(campaign_id)) {
        return *cached;
    }
    auto json = ProgressJson(messages_.Counts(campaign_id));
    json["as_of"] = domain::FormatRfc3339(clock_.Now());
    json["rate_per_second"] = nullptr;
    json["eta_seconds"] = nullptr;
    if (UseCache()) {
        AddRate(campaign_id, json);
    }
    return json;
}

}  // namespace bulkmsg::app
