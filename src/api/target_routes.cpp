#include "api/target_routes.hpp"

#include <algorithm>
#include <memory>
#include <semaphore>

#include "api/json_views.hpp"
#include "api/request.hpp"

namespace bulkmsg::api {

namespace {

using UploadSlots = std::counting_semaphore<kMaxConcurrentUploads>;
constexpr std::size_t kChunkSize = 64 * 1024;

app::HttpResponse TooManyUploads() {
    auto response = app::JsonError(429, "too_many_uploads",
                                   "as many target uploads as API_MAX_CONCURRENT_UPLOADS allows are running; retry in "
                                   "a few seconds (rows of an upload sent again count as duplicates)");
    response.headers.emplace_back("Retry-After", "5");
    return response;
}

app::HttpResponse Refused(const app::TargetUploads::Start& start, std::uint64_t id) {
    if (start.refusal == app::TargetUploads::Refusal::kNotFound) {
        return CampaignNotFound(id);
    }
    return app::JsonError(409, "conflict",
                          "targets can be added only while the campaign is draft or scheduled, it is " +
                              std::string(domain::ToString(start.status)));
}

// The body broke off (over the limit, malformed, stalled): the rows before it are stored and said.
app::HttpResponse BrokenBody(const app::BodyError& e, const app::UploadReport& report) {
    return app::JsonError(
        e.Status(), e.Code(),
        std::string(e.what()) + "; " + std::to_string(report.totals.accepted) + " targets before it were stored",
        nlohmann::json::array({{{"field", "body"},
                                {"reason", e.what()},
                                {"accepted", report.totals.accepted},
                                {"duplicates", report.totals.duplicates},
                                {"rejected", report.rejected}}}));
}

app::HttpResponse Upload(app::TargetUploads& uploads, const RouteCall& call) {
    const auto content_type = Header(call.request, "content-type");
    auto start = uploads.Begin(call.id, content_type, call.actor);
    if (!start.upload) {
        return Refused(start, call.id);
    }
    if (!start.upload->Readable()) {
        return app::JsonError(415, "unsupported_media_type",
                              "send targets as application/json (array), application/x-ndjson or text/csv");
    }
    try {
        app::ForEachBodyChunk(call.request, kChunkSize, [&](std::string_view chunk) { start.upload->Feed(chunk); });
    } catch (const app::BodyError& e) {
        return BrokenBody(e, start.upload->Abandon());
    }
    return app::JsonResponse(200, UploadJson(start.upload->Finish()));
}

}  // namespace

void AddTargetRoutes(Router& router, app::TargetUploads& uploads, std::ptrdiff_t max_concurrent_uploads) {
    auto slots =
        std::make_shared<UploadSlots>(std::clamp<std::ptrdiff_t>(max_concurrent_uploads, 1, kMaxConcurrentUploads));
    router.Add({"POST", "/campaigns/{id}/targets",
                [&uploads, slots](const RouteCall& call) {
                    if (!slots->try_acquire()) {
                        return TooManyUploads();
                    }
                    const struct SlotRelease {  // gives the slot back however the upload ends
                        UploadSlots& slots;
                        ~SlotRelease() { slots.release(); }
                    } release{*slots};
                    return Upload(uploads, call);
                },
                true});
}

}  // namespace bulkmsg::api
