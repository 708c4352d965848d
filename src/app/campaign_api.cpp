#include "app/campaign_api.hpp"

#include <algorithm>
#include <charconv>
#include <functional>

#include "app/concurrent_writes.hpp"
#include "app/log.hpp"
#include "domain/outbox_row.hpp"
#include "domain/sha256.hpp"
#include "domain/target_reader.hpp"
#include "domain/traceparent.hpp"

namespace bulkmsg::app {

namespace {

constexpr std::string_view kPrefix = "/api/v1";
constexpr std::size_t kMaxReportedErrors = 100;
constexpr std::size_t kInsertBatch = 1000;
// While Redis is down: how long the API leaves the limiter or the cache alone, and how often it says so.
constexpr std::chrono::milliseconds kDependencyRetry{500};
constexpr std::chrono::milliseconds kWarningInterval{10'000};

HttpResponse NotFound(std::uint64_t id) {
    return JsonError(404, "not_found", "campaign " + std::to_string(id) + " does not exist");
}

nlohmann::json Details(const std::vector<domain::FieldError>& errors) {
    nlohmann::json details = nlohmann::json::array();
    for (const auto& e : errors) {
        details.push_back({{"field", e.field}, {"reason", e.reason}});
    }
    return details;
}

// Strictly a positive decimal id that fits in 63 bits.
std::optional<std::uint64_t> ParseId(std::string_view text) {
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || end != text.data() + text.size() || id == 0 || id > (1ULL << 62) || text[0] == '+') {
        return std::nullopt;
    }
    return id;
}

// %XX escapes decoded ('+' stays '+': E.164 numbers start with it). Invalid escapes are kept as they are.
std::string PercentDecode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::map<std::string, std::string> ParseQuery(const std::string& query) {
    std::map<std::string, std::string> params;
    std::size_t start = 0;
    while (start < query.size()) {
        const auto end = std::min(query.find('&', start), query.size());
        const auto pair = query.substr(start, end - start);
        const auto eq = pair.find('=');
        params[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
        start = end + 1;
    }
    return params;
}

// cursor, limit and status of a list route. Returns an error response when one of them is not valid.
struct PageQuery {
    std::uint64_t cursor = 0;
    std::size_t limit = 0;
    std::optional<std::string> status;
};

std::optional<HttpResponse> ParsePage(const std::string& query_text, std::size_t default_limit, std::size_t max_limit,
                                      const std::vector<std::string>& statuses, PageQuery& page) {
    const auto query = ParseQuery(query_text);
    page.limit = default_limit;
    if (auto it = query.find("cursor"); it != query.end()) {
        const auto cursor = ParseId(it->second);
        if (!cursor) {
            return JsonError(400, "invalid_query", "cursor must be a value returned as next_cursor");
        }
        page.cursor = *cursor;
    }
    if (auto it = query.find("limit"); it != query.end()) {
        const auto limit = ParseId(it->second);
        if (!limit || *limit > max_limit) {
            return JsonError(400, "invalid_query", "limit must be an integer from 1 to " + std::to_string(max_limit));
        }
        page.limit = static_cast<std::size_t>(*limit);
    }
    if (auto it = query.find("status"); it != query.end()) {
        if (statuses.empty()) {
            return JsonError(400, "invalid_query", "this list has no status filter");
        }
        if (std::find(statuses.begin(), statuses.end(), it->second) == statuses.end()) {
            std::string allowed;
            for (const auto& s : statuses) {
                allowed += (allowed.empty() ? "" : ", ") + s;
            }
            return JsonError(400, "invalid_query", "status must be one of " + allowed);
        }
        page.status = it->second;
    }
    return std::nullopt;
}

// The request's W3C traceparent (the server's span when tracing wraps the API), or "".
std::string TraceOf(const HttpRequest& request) {
    const auto it = request.headers.find("traceparent");
    return it != request.headers.end() && domain::IsValidTraceparent(it->second) ? it->second : "";
}

// A page of a list route: the first `limit` rows as JSON and, when the store returned one more (callers ask for
// limit + 1), the id of the last shown row as next_cursor.
template <typename Row, typename ToJson>
HttpResponse PageOf(const std::vector<Row>& rows, std::size_t limit, ToJson to_json) {
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t i = 0; i < std::min(limit, rows.size()); ++i) {
        items.push_back(to_json(rows[i]));
    }
    const auto next = rows.size() > limit ? nlohmann::json(std::to_string(rows[limit - 1].id)) : nlohmann::json();
    return JsonResponse(200, {{"items", items}, {"next_cursor", next}});
}

nlohmann::json ProgressJson(const CampaignCounts& counts) {
    nlohmann::json by_status = nlohmann::json::object();
    for (const auto& status : domain::kOutboxStatuses) {
        by_status[status] = 0;
    }
    std::uint64_t in_outbox = 0, done = 0;
    for (const auto& [status, count] : counts.outbox_by_status) {
        by_status[status] = count;
        in_outbox += count;
        if (domain::IsFinalStatus(status)) {
            done += count;
        }
    }
    const double percent =
        counts.targets ? 100.0 * static_cast<double>(done) / static_cast<double>(counts.targets) : 0.0;
    return {{"targets", counts.targets},
            {"prepared", in_outbox},
            {"counts", by_status},
            {"done", done},
            {"percent_done", std::min(100.0, percent)}};
}

nlohmann::json CampaignJson(const CampaignRecord& c) {
    nlohmann::json tmpl = {{"text", c.content.text}};
    for (const auto& [key, value] :
         {std::pair{"subject", c.content.subject}, {"html", c.content.html}, {"title", c.content.title}}) {
        if (!value.empty()) {
            tmpl[key] = value;
        }
    }
    if (!c.content.data.empty()) {
        tmpl["data"] = c.content.data;
    }
    nlohmann::json json = {
        {"id", c.id},
        {"name", c.name},
        {"kind", std::string(domain::ToString(c.content.kind))},
        {"status", c.status},
        {"status_reason", c.status_reason ? nlohmann::json(*c.status_reason) : nlohmann::json()},
        {"template", tmpl},
        {"from", c.content.from.empty() ? nlohmann::json() : nlohmann::json(c.content.from)},
        {"send_window", c.content.send_window ? domain::SendWindowJson(*c.content.send_window) : nlohmann::json()},
        {"scheduled_at", c.scheduled_at ? nlohmann::json(domain::FormatRfc3339(*c.scheduled_at)) : nlohmann::json()},
        {"created_at", domain::FormatRfc3339(c.created_at)},
        {"updated_at", domain::FormatRfc3339(c.updated_at)}};
    return json;
}

std::optional<nlohmann::json> ParseJsonBody(const HttpRequest& request, HttpResponse& error) {
    const auto type = request.headers.count("content-type") ? request.headers.at("content-type") : "";
    if (type.rfind("application/json", 0) != 0) {
        error = JsonError(415, "unsupported_media_type", "send the body as application/json");
        return std::nullopt;
    }
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
        error = JsonError(400, "invalid_json", "the request body is not valid JSON");
        return std::nullopt;
    }
    return body;
}

}  // namespace

CampaignApi::CampaignApi(CampaignStore& store, Clock& clock, ProgressCache* cache, RateLimiter* limiter,
                         double requests_per_second, std::ptrdiff_t max_concurrent_uploads)
    : store_(store),
      clock_(clock),
      cache_(cache),
      limiter_(limiter),
      requests_per_second_(requests_per_second),
      limiter_gate_("api", kDependencyRetry, kWarningInterval),
      cache_gate_("api", kDependencyRetry, kWarningInterval),
      upload_slots_(std::clamp<std::ptrdiff_t>(max_concurrent_uploads, 1, kMaxConcurrentUploads)) {}

bool CampaignApi::OverRateLimit(const std::string& key_name) {
    const auto now = clock_.Now();
    if (limiter_ == nullptr || requests_per_second_ <= 0 || !limiter_gate_.ShouldTry(now)) {
        return false;
    }
    try {
        return limiter_->Acquire("api:" + key_name, requests_per_second_, 1, now) == 0;
    } catch (const std::exception& e) {
        limiter_gate_.Failed(now, "request rate limiter unavailable; not limiting", e.what());
        return false;
    }
}

bool CampaignApi::UseCache() {
    return cache_ != nullptr && cache_gate_.ShouldTry(clock_.Now());
}

void CampaignApi::ForgetProgress(std::uint64_t id) {
    if (id != 0 && UseCache()) {
        try {
            cache_->Forget(id);
        } catch (const std::exception& e) {
            cache_gate_.Failed(clock_.Now(), "progress cache unavailable", e.what());
        }
    }
}

nlohmann::json CampaignApi::CurrentProgress(std::uint64_t id) {
    constexpr std::chrono::seconds kCacheTtl{3};
    constexpr std::chrono::seconds kRateWindow{60};
    if (UseCache()) {
        try {
            if (const auto cached = cache_->Get(id)) {
                auto json = nlohmann::json::parse(*cached, nullptr, false);
                if (json.is_object()) {
                    return json;
                }
            }
        } catch (const std::exception& e) {
            cache_gate_.Failed(clock_.Now(), "progress cache unavailable; counting in MySQL", e.what());
        }
    }
    auto json = ProgressJson(store_.Counts(id));
    const domain::DoneSample now{clock_.Now(), json["done"].get<std::uint64_t>()};
    json["as_of"] = domain::FormatRfc3339(now.at);
    json["rate_per_second"] = nullptr;
    json["eta_seconds"] = nullptr;
    if (UseCache()) {
        try {
            const auto estimate = domain::EstimateProgress(cache_->RecordSample(id, now, kRateWindow), now,
                                                           json["targets"].get<std::uint64_t>());
            json["rate_per_second"] = estimate.per_second;
            json["eta_seconds"] = estimate.eta_seconds ? nlohmann::json(*estimate.eta_seconds) : nlohmann::json();
            cache_->Put(id, json.dump(), kCacheTtl);
        } catch (const std::exception& e) {
            cache_gate_.Failed(clock_.Now(), "progress cache unavailable; no send rate", e.what());
        }
    }
    return json;
}

bool CampaignApi::Owns(const std::string& path) {
    return path == kPrefix || path.rfind(std::string(kPrefix) + "/", 0) == 0;
}

HttpResponse CampaignApi::Handle(const HttpRequest& request) {
    const auto auth = request.headers.find("authorization");
    const std::string bearer = "Bearer ";
    if (auth == request.headers.end() || auth->second.rfind(bearer, 0) != 0 || auth->second.size() == bearer.size()) {
        return JsonError(401, "unauthorized", "send an API key as Authorization: Bearer <key>");
    }
    const auto name = store_.ApiKeyName(domain::Sha256Hex(auth->second.substr(bearer.size())));
    if (!name) {
        return JsonError(401, "unauthorized", "the API key is not valid or was revoked");
    }
    if (OverRateLimit(*name)) {
        auto response =
            JsonError(429, "rate_limited",
                      "this API key sent more than " + std::to_string(static_cast<long>(requests_per_second_)) +
                          " requests per second; retry after a second");
        response.headers.emplace_back("Retry-After", "1");
        return response;
    }
    return Route(request, *name);
}

namespace {

// What a matched route handler gets.
struct RouteCall {
    const HttpRequest& request;
    const std::string& key_name;
    std::uint64_t id;  // the {id} segment, 0 when the route has none
};

struct RouteEntry {
    const char* method;
    const char* path;  // under /api/v1; "{id}" matches one segment holding a campaign id
    std::function<HttpResponse(CampaignApi&, const RouteCall&)> handle;
};

std::vector<std::string> Segments(std::string_view path) {
    std::vector<std::string> parts;
    for (std::size_t start = 0; start <= path.size();) {
        const auto end = std::min(path.find('/', start), path.size());
        parts.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

// Whether the segments of a path under /api/v1 fit a route pattern; the text of its {id} segment goes to `id_text`.
bool PathMatches(std::string_view pattern, const std::vector<std::string>& parts, std::optional<std::string>& id_text) {
    const auto expected = Segments(pattern);
    if (expected.size() != parts.size()) {
        return false;
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (expected[i] == "{id}") {
            id_text = parts[i];
        } else if (expected[i] != parts[i]) {
            return false;
        }
    }
    return true;
}

constexpr const char* kUploadRoute = "/campaigns/{id}/targets";

}  // namespace

// The one route table: dispatch reads it, and Routes() publishes it for the OpenAPI test.
struct CampaignApi::Table {
    static const std::vector<RouteEntry>& Entries() {
        static const std::vector<RouteEntry> entries = {
            {"GET", "/campaigns", [](CampaignApi& api, const RouteCall& c) { return api.ListCampaigns(c.request); }},
            {"POST", "/campaigns",
             [](CampaignApi& api, const RouteCall& c) { return api.CreateCampaign(c.request, c.key_name); }},
            {"GET", "/campaigns/{id}", [](CampaignApi& api, const RouteCall& c) { return api.ShowCampaign(c.id); }},
            {"POST", kUploadRoute,
             [](CampaignApi& api, const RouteCall& c) { return api.UploadTargets(c.id, c.request, c.key_name); }},
            {"POST", "/campaigns/{id}/prepare",
             [](CampaignApi& api, const RouteCall& c) { return api.Prepare(c.id, c.request, c.key_name); }},
            {"POST", "/campaigns/{id}/schedule",
             [](CampaignApi& api, const RouteCall& c) { return api.Schedule(c.id, c.request, c.key_name); }},
            {"POST", "/campaigns/{id}/pause",
             [](CampaignApi& api, const RouteCall& c) {
                 return api.Move(c.id, {"running"}, "paused", "pause", {"paused", c.key_name});
             }},
            {"POST", "/campaigns/{id}/resume",
             [](CampaignApi& api, const RouteCall& c) {
                 return api.Move(c.id, {"paused"}, "running", "resume", {"resumed", c.key_name});
             }},
            {"POST", "/campaigns/{id}/cancel",
             [](CampaignApi& api, const RouteCall& c) { return api.Cancel(c.id, c.key_name); }},
            {"GET", "/campaigns/{id}/events",
             [](CampaignApi& api, const RouteCall& c) { return api.Events(c.id, c.request); }},
            {"GET", "/campaigns/{id}/progress",
             [](CampaignApi& api, const RouteCall& c) { return api.Progress(c.id); }},
            {"GET", "/campaigns/{id}/messages",
             [](CampaignApi& api, const RouteCall& c) { return api.Messages(c.id, c.request); }},
            {"GET", "/suppressions",
             [](CampaignApi& api, const RouteCall& c) { return api.ListSuppressions(c.request); }},
            {"POST", "/suppressions",
             [](CampaignApi& api, const RouteCall& c) { return api.AddSuppression(c.request); }},
            {"DELETE", "/suppressions",
             [](CampaignApi& api, const RouteCall& c) { return api.RemoveSuppression(c.request); }},
        };
        return entries;
    }
};

std::vector<std::pair<std::string, std::string>> CampaignApi::Routes() {
    std::vector<std::pair<std::string, std::string>> routes;
    for (const auto& entry : Table::Entries()) {
        routes.emplace_back(entry.method, std::string(kPrefix) + entry.path);
    }
    return routes;
}

HttpResponse CampaignApi::Route(const HttpRequest& request, const std::string& key_name) {
    const auto parts = Segments(std::string_view(request.path).substr(kPrefix.size()));
    std::string allowed;  // methods of routes whose path matches
    for (const auto& entry : Table::Entries()) {
        std::optional<std::string> id_text;
        if (!PathMatches(entry.path, parts, id_text)) {
            continue;
        }
        if (entry.method != request.method) {
            allowed += (allowed.empty() ? "" : ", ") + std::string(entry.method);
            continue;
        }
        const auto id = id_text ? ParseId(*id_text) : std::optional<std::uint64_t>(0);
        if (!id) {
            return JsonError(
                400, "invalid_id", "campaign id must be a positive integer",
                nlohmann::json::array({{{"field", "id"}, {"reason", "'" + *id_text + "' is not a positive integer"}}}));
        }
        if (request.method != "GET") {
            ForgetProgress(*id);  // the handler's own answer, and later reads, count again after the change
        }
        auto response = entry.handle(*this, {request, key_name, *id});
        if (request.method != "GET" && response.status < 300) {
            Log(LogLevel::kInfo, "api", "campaign changed",
                {{"api_key", key_name},
                 {"route", std::string(entry.method) + " " + entry.path},
                 {"id", *id},
                 {"status", response.status}});
        }
        return response;
    }
    if (!allowed.empty()) {
        return JsonError(405, "method_not_allowed", request.path + " accepts " + allowed);
    }
    return JsonError(404, "not_found", "no route for " + request.method + " " + request.path);
}

HttpResponse CampaignApi::CreateCampaign(const HttpRequest& request, const std::string& key_name) {
    HttpResponse error;
    const auto body = ParseJsonBody(request, error);
    if (!body) {
        return error;
    }
    std::vector<domain::FieldError> errors;
    const auto campaign = domain::ParseNewCampaign(*body, errors);
    if (!campaign) {
        return JsonError(422, "validation_failed", "the campaign is not valid", Details(errors));
    }
    std::optional<IdempotentRequest> idempotency;
    if (const auto header = request.headers.find("idempotency-key"); header != request.headers.end()) {
        if (header->second.empty() || header->second.size() > 255) {
            return JsonError(400, "invalid_header", "Idempotency-Key must be 1 to 255 characters");
        }
        idempotency = IdempotentRequest{key_name, header->second, domain::Sha256Hex(request.body)};
    }
    const auto result = store_.CreateCampaign(*campaign, idempotency, key_name);
    if (result.outcome == CreateResult::Outcome::kConflict) {
        return JsonError(409, "idempotency_conflict", "this Idempotency-Key was used with a different request body");
    }
    // A replay answers 200 with the campaign the first request created.
    return JsonResponse(result.outcome == CreateResult::Outcome::kCreated ? 201 : 200,
                        CampaignJson(*store_.GetCampaign(result.id)));
}

HttpResponse CampaignApi::ListCampaigns(const HttpRequest& request) {
    PageQuery page;
    if (auto error = ParsePage(
            request.query, 50, 200,
            {"draft", "scheduled", "preparing", "running", "paused", "completed", "cancelled", "failed"}, page)) {
        return *error;
    }
    return PageOf(store_.ListCampaigns(page.cursor, page.limit + 1, page.status), page.limit,
                  [this](const CampaignRecord& c) { return CampaignDocument(c); });
}

nlohmann::json CampaignApi::CampaignDocument(const CampaignRecord& campaign) {
    auto json = CampaignJson(campaign);
    json["progress"] = CurrentProgress(campaign.id);
    return json;
}

HttpResponse CampaignApi::Refuse(std::uint64_t id, const std::string& action) {
    const auto campaign = store_.GetCampaign(id);
    return campaign ? JsonError(409, "conflict", "cannot " + action + " a campaign that is " + campaign->status)
                    : NotFound(id);
}

HttpResponse CampaignApi::ShowCampaign(std::uint64_t id) {
    const auto campaign = store_.GetCampaign(id);
    return campaign ? JsonResponse(200, CampaignDocument(*campaign)) : NotFound(id);
}

HttpResponse CampaignApi::UploadTargets(std::uint64_t id, const HttpRequest& request, const std::string& key_name) {
    if (!upload_slots_.try_acquire()) {
        auto response = JsonError(429, "too_many_uploads",
                                  "as many target uploads as API_MAX_CONCURRENT_UPLOADS allows are running; retry in "
                                  "a few seconds (rows of an upload sent again count as duplicates)");
        response.headers.emplace_back("Retry-After", "5");
        return response;
    }
    const struct SlotRelease {  // gives the slot back however the upload ends
        UploadSlots& slots;
        ~SlotRelease() { slots.release(); }
    } slot{upload_slots_};
    const auto campaign = store_.GetCampaign(id);
    if (!campaign) {
        return NotFound(id);
    }
    if (campaign->status != "draft" && campaign->status != "scheduled") {
        return JsonError(
            409, "conflict",
            "targets can be added only while the campaign is draft or scheduled, it is " + campaign->status);
    }
    const auto type = request.headers.count("content-type") ? request.headers.at("content-type") : "";
    TargetInsertResult totals;
    std::uint64_t rejected = 0;
    nlohmann::json errors = nlohmann::json::array();
    std::vector<domain::Target> batch;
    // Batches are stored on their own threads while the next ones arrive and are parsed.
    ConcurrentWrites<TargetInsertResult> writes(2, [&](TargetInsertResult result) {
        totals.accepted += result.accepted;
        totals.duplicates += result.duplicates;
    });
    const auto flush = [&] {
        if (batch.empty()) {
            return;
        }
        writes.Start([this, id, rows = std::move(batch)] { return store_.InsertTargets(id, rows); });
        batch.clear();
    };
    auto reader = domain::MakeTargetReader(type, campaign->content.kind, [&](domain::TargetRow&& row) {
        if (row.target) {
            batch.push_back(std::move(*row.target));
            if (batch.size() >= kInsertBatch) {
                flush();
            }
            return;
        }
        ++rejected;
        for (const auto& e : row.errors) {
            if (errors.size() < kMaxReportedErrors) {
                errors.push_back({{"row", row.row}, {"field", e.field}, {"reason", e.reason}});
            }
        }
    });
    if (!reader) {
        return JsonError(415, "unsupported_media_type",
                         "send targets as application/json (array), application/x-ndjson or text/csv");
    }
    const auto record = [&] {
        store_.RecordEvent(id, {"targets_added",
                                key_name,
                                {{"accepted", totals.accepted},
                                 {"duplicates", totals.duplicates},
                                 {"rejected", rejected},
                                 {"content_type", type}}});
    };
    try {
        ForEachBodyChunk(request, 64 * 1024, [&](std::string_view chunk) { reader->Feed(chunk); });
    } catch (const BodyError& e) {
        // Rows before the break are stored (uploads accept row by row); sending the whole body again is safe,
        // since the stored rows then count as duplicates.
        flush();
        writes.Finish();
        record();
        return JsonError(
            e.Status(), e.Code(),
            std::string(e.what()) + "; " + std::to_string(totals.accepted) + " targets before it were stored",
            nlohmann::json::array({{{"field", "body"},
                                    {"reason", e.what()},
                                    {"accepted", totals.accepted},
                                    {"duplicates", totals.duplicates},
                                    {"rejected", rejected}}}));
    }
    reader->Finish();
    flush();
    writes.Finish();
    record();
    return JsonResponse(
        200,
        {{"accepted", totals.accepted}, {"duplicates", totals.duplicates}, {"rejected", rejected}, {"errors", errors}});
}

bool CampaignApi::StreamsBody(const HttpRequest& head) {
    std::optional<std::string> id_text;
    return head.method == "POST" && Owns(head.path) &&
           PathMatches(kUploadRoute, Segments(std::string_view(head.path).substr(kPrefix.size())), id_text);
}

HttpResponse CampaignApi::Prepare(std::uint64_t id, const HttpRequest& request, const std::string& key_name) {
    const AuditNote note{"prepare_requested", key_name, nlohmann::json::object(), TraceOf(request)};
    if (store_.Transition(id, {"draft", "scheduled"}, "preparing", note)) {
        // The scheduler duty of the poller process prepares campaigns in `preparing`.
        return JsonResponse(202, {{"id", id}, {"status", "preparing"}});
    }
    return Refuse(id, "prepare");
}

HttpResponse CampaignApi::Schedule(std::uint64_t id, const HttpRequest& request, const std::string& key_name) {
    HttpResponse error;
    const auto body = ParseJsonBody(request, error);
    if (!body) {
        return error;
    }
    std::vector<domain::FieldError> errors;
    std::optional<domain::TimePoint> at;
    if (!body->is_object()) {
        errors.push_back({"body", "must be a JSON object"});
    } else {
        for (const auto& [key, value] : body->items()) {
            if (key != "scheduled_at") {
                errors.push_back({key, "unknown field"});
            }
        }
        const auto it = body->find("scheduled_at");
        at = it != body->end() && it->is_string() ? domain::ParseRfc3339(it->get<std::string>()) : std::nullopt;
        if (!at) {
            errors.push_back({"scheduled_at", "is required: an RFC 3339 timestamp such as 2026-12-01T09:00:00Z"});
        }
    }
    if (!errors.empty()) {
        return JsonError(422, "validation_failed", "the schedule is not valid", Details(errors));
    }
    const AuditNote note{
        "scheduled", key_name, {{"scheduled_at", body->at("scheduled_at").get<std::string>()}}, TraceOf(request)};
    return Move(id, {"draft", "scheduled"}, "scheduled", "schedule", note, at);
}

HttpResponse CampaignApi::Move(std::uint64_t id, const std::vector<std::string>& from, const std::string& to,
                               const char* action, const AuditNote& note,
                               std::optional<domain::TimePoint> scheduled_at) {
    return store_.Transition(id, from, to, note, scheduled_at) ? ShowCampaign(id) : Refuse(id, action);
}

HttpResponse CampaignApi::Cancel(std::uint64_t id, const std::string& key_name) {
    const std::vector<std::string> cancellable = {"draft", "scheduled", "preparing", "running", "paused"};
    if (!store_.Transition(id, cancellable, "cancelled", {"cancelled", key_name})) {
        return Refuse(id, "cancel");
    }
    const auto cancelled = store_.CancelUnsent(id);
    auto json = CampaignDocument(*store_.GetCampaign(id));
    json["cancelled_messages"] = cancelled;
    return JsonResponse(200, json);
}

HttpResponse CampaignApi::Events(std::uint64_t id, const HttpRequest& request) {
    PageQuery page;
    if (auto error = ParsePage(request.query, 100, 1000, {}, page)) {
        return *error;
    }
    if (!store_.GetCampaign(id)) {
        return NotFound(id);
    }
    return PageOf(store_.ListEvents(id, page.cursor, page.limit + 1), page.limit,
                  [](const CampaignEvent& e) -> nlohmann::json {
                      return {{"id", e.id},
                              {"event", e.note.event},
                              {"actor", e.note.actor},
                              {"details", e.note.details},
                              {"created_at", e.created_at}};
                  });
}

HttpResponse CampaignApi::Messages(std::uint64_t id, const HttpRequest& request) {
    PageQuery page;
    if (auto error = ParsePage(request.query, 100, 1000, domain::kOutboxStatuses, page)) {
        return *error;
    }
    if (!store_.GetCampaign(id)) {
        return NotFound(id);
    }
    const auto optional = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
    return PageOf(store_.ListMessages(id, page.status, page.cursor, page.limit + 1), page.limit,
                  [&](const MessageRecord& m) -> nlohmann::json {
                      return {{"id", m.id},
                              {"user_ref", m.user_ref},
                              {"kind", m.kind},
                              {"status", m.status},
                              {"attempts", m.attempts},
                              {"last_error", optional(m.last_error)},
                              {"provider_msg_id", optional(m.provider_msg_id)},
                              {"available_at", optional(m.available_at)},
                              {"sent_at", optional(m.sent_at)}};
                  });
}

HttpResponse CampaignApi::Progress(std::uint64_t id) {
    if (!store_.GetCampaign(id)) {
        return NotFound(id);
    }
    auto json = CurrentProgress(id);
    json["id"] = id;
    return JsonResponse(200, json);
}

namespace {

// A channel and an address valid for it; problems are appended to `errors`.
void CheckSuppressedAddress(const std::string& channel, const std::string& address,
                            std::vector<domain::FieldError>& errors) {
    const auto kind = domain::ParseChannel(channel);
    if (!kind) {
        errors.push_back({"channel", "must be one of email, sms, push"});
        return;
    }
    std::vector<domain::FieldError> target_errors;
    domain::TargetFromJson({{"user_ref", address}, {"kind", channel}}, *kind, target_errors);
    for (auto& e : target_errors) {
        errors.push_back({e.field == "user_ref" ? "address" : e.field, e.reason});
    }
}

}  // namespace

HttpResponse CampaignApi::AddSuppression(const HttpRequest& request) {
    HttpResponse error;
    const auto body = ParseJsonBody(request, error);
    if (!body) {
        return error;
    }
    std::vector<domain::FieldError> errors;
    Suppression suppression;
    if (!body->is_object()) {
        errors.push_back({"body", "must be a JSON object"});
    } else {
        for (const auto& [key, value] : body->items()) {
            if (key != "channel" && key != "address" && key != "reason") {
                errors.push_back({key, "unknown field"});
            }
        }
        suppression.channel =
            body->value("channel", nlohmann::json()).is_string() ? (*body)["channel"].get<std::string>() : "";
        suppression.address =
            body->value("address", nlohmann::json()).is_string() ? (*body)["address"].get<std::string>() : "";
        const auto reason = body->value("reason", nlohmann::json(""));
        if (!reason.is_string() || reason.get<std::string>().size() > 255) {
            errors.push_back({"reason", "must be a string of at most 255 bytes"});
        } else {
            suppression.reason = reason.get<std::string>();
        }
        CheckSuppressedAddress(suppression.channel, suppression.address, errors);
    }
    if (!errors.empty()) {
        return JsonError(422, "validation_failed", "the suppression is not valid", Details(errors));
    }
    const bool created = store_.AddSuppression(suppression);
    return JsonResponse(
        created ? 201 : 200,
        {{"channel", suppression.channel}, {"address", suppression.address}, {"reason", suppression.reason}});
}

HttpResponse CampaignApi::RemoveSuppression(const HttpRequest& request) {
    const auto query = ParseQuery(request.query);
    const auto channel = query.count("channel") ? query.at("channel") : "";
    const auto address = query.count("address") ? PercentDecode(query.at("address")) : "";
    std::vector<domain::FieldError> errors;
    CheckSuppressedAddress(channel, address, errors);
    if (!errors.empty()) {
        return JsonError(400, "invalid_query", "give channel and address as query parameters", Details(errors));
    }
    if (!store_.RemoveSuppression(channel, address)) {
        return JsonError(404, "not_found", address + " is not suppressed on " + channel);
    }
    HttpResponse no_content;
    no_content.status = 204;
    return no_content;
}

HttpResponse CampaignApi::ListSuppressions(const HttpRequest& request) {
    PageQuery page;
    if (auto error = ParsePage(request.query, 100, 1000, {}, page)) {
        return *error;
    }
    const auto query = ParseQuery(request.query);
    std::optional<std::string> channel;
    if (auto it = query.find("channel"); it != query.end()) {
        if (!domain::ParseChannel(it->second)) {
            return JsonError(400, "invalid_query", "channel must be one of email, sms, push");
        }
        channel = it->second;
    }
    return PageOf(store_.ListSuppressions(channel, page.cursor, page.limit + 1), page.limit,
                  [](const Suppression& s) -> nlohmann::json {
                      return {{"id", s.id}, {"channel", s.channel}, {"address", s.address}, {"reason", s.reason}};
                  });
}

}  // namespace bulkmsg::app
