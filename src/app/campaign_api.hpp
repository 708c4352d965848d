#pragma once

#include <optional>
#include <semaphore>
#include <string>

#include "app/campaign_store.hpp"
#include "app/clock.hpp"
#include "app/delivery_ports.hpp"
#include "app/http_types.hpp"
#include "app/outage_gate.hpp"
#include "app/progress_cache.hpp"

namespace bulkmsg::app {

/// The campaign API under /api/v1 (JSON). Every route needs `Authorization: Bearer <key>` of an active API
/// key. Errors use {"error": {"code", "message", "details"}} with 400/401/404/405/409/413/415/422; a bad
/// request never writes anything, except that an upload stores its valid rows and reports the others.
/// Thread-safe when the store is.
class CampaignApi {
public:
    /// `cache` (may be null) holds each campaign's progress for a few seconds and the samples behind the send
    /// rate; without it, or when it fails, progress is counted in MySQL on every request.
    /// `limiter` (may be null) with `requests_per_second` > 0 limits each API key to that rate (bursts of one
    /// second's worth); a key over it gets 429 with Retry-After. When the limiter fails, requests pass.
    /// After a failure of the limiter or the cache, each is left alone for 500 ms (requests pass unlimited, progress
    /// is counted in MySQL) and its warning is logged at most every 10 s.
    /// At most `max_concurrent_uploads` (1 … kMaxConcurrentUploads) target uploads run at once; another gets 429
    /// with Retry-After before its body is read. An upload holds its server thread while it streams, so the server
    /// needs more threads than this for other requests to be answered meanwhile.
    CampaignApi(CampaignStore& store, Clock& clock, ProgressCache* cache = nullptr, RateLimiter* limiter = nullptr,
                double requests_per_second = 0, std::ptrdiff_t max_concurrent_uploads = kMaxConcurrentUploads);

    static constexpr std::ptrdiff_t kMaxConcurrentUploads = 64;

    /// True for paths this API serves (everything under /api/v1).
    static bool Owns(const std::string& path);
    /// Every route served, as (method, path template such as /api/v1/campaigns/{id}); the router dispatches
    /// from the same table. api/openapi.yaml must document exactly these.
    static std::vector<std::pair<std::string, std::string>> Routes();
    /// True for requests whose body the server should stream to the handler (target uploads), judged on the
    /// request line alone.
    static bool StreamsBody(const HttpRequest& head);
    HttpResponse Handle(const HttpRequest& request);

private:
    struct Table;
    HttpResponse Route(const HttpRequest& request, const std::string& key_name);
    HttpResponse CreateCampaign(const HttpRequest& request, const std::string& key_name);
    HttpResponse ListCampaigns(const HttpRequest& request);
    HttpResponse ShowCampaign(std::uint64_t id);
    HttpResponse UploadTargets(std::uint64_t id, const HttpRequest& request, const std::string& key_name);
    HttpResponse Prepare(std::uint64_t id, const HttpRequest& request, const std::string& key_name);
    HttpResponse Schedule(std::uint64_t id, const HttpRequest& request, const std::string& key_name);
    /// Moves the campaign from one of `from` to `to`, recording `note`; `action` names the refused verb.
    HttpResponse Move(std::uint64_t id, const std::vector<std::string>& from, const std::string& to, const char* action,
                      const AuditNote& note, std::optional<domain::TimePoint> scheduled_at = std::nullopt);
    HttpResponse Cancel(std::uint64_t id, const std::string& key_name);
    HttpResponse Events(std::uint64_t id, const HttpRequest& request);
    HttpResponse Progress(std::uint64_t id);
    HttpResponse Messages(std::uint64_t id, const HttpRequest& request);
    HttpResponse AddSuppression(const HttpRequest& request);
    HttpResponse RemoveSuppression(const HttpRequest& request);
    HttpResponse ListSuppressions(const HttpRequest& request);

    nlohmann::json CurrentProgress(std::uint64_t id);
    /// The campaign as every route returns it: its fields plus `progress`.
    nlohmann::json CampaignDocument(const CampaignRecord& campaign);
    /// 409 naming the campaign's status, or 404 when it does not exist.
    HttpResponse Refuse(std::uint64_t id, const std::string& action);
    /// True when the progress cache is there and not resting after a failure (cache_gate_).
    bool UseCache();
    void ForgetProgress(std::uint64_t id);
    /// True when `key_name` has used up its request rate (API_RATE_LIMIT_PER_SEC).
    bool OverRateLimit(const std::string& key_name);

    CampaignStore& store_;
    Clock& clock_;
    ProgressCache* cache_;
    RateLimiter* limiter_;
    double requests_per_second_;
    OutageGate limiter_gate_;
    OutageGate cache_gate_;
    using UploadSlots = std::counting_semaphore<kMaxConcurrentUploads>;
    UploadSlots upload_slots_;
};

}  // namespace bulkmsg::app
