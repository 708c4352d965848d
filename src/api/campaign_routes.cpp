#include "api/campaign_routes.hpp"

#include "api/json_views.hpp"
#include "api/request.hpp"
#include "domain/sha256.hpp"

namespace bulkmsg::api {

namespace {

using app::HttpResponse;
using domain::CampaignStep;

constexpr std::size_t kMaxIdempotencyKey = 255;

class CampaignRoutes {
public:
    CampaignRoutes(app::CampaignService& campaigns, app::CampaignProgress& progress, bool unsubscribe_links)
        : campaigns_(campaigns), progress_(progress), unsubscribe_links_(unsubscribe_links) {}

    nlohmann::json Document(const app::CampaignRecord& campaign) {
        auto json = CampaignJson(campaign);
        json["progress"] = progress_.Of(campaign.id);
        return json;
    }

    HttpResponse Create(const RouteCall& call) {
        std::vector<domain::FieldError> errors;
        const auto campaign = domain::ParseNewCampaign(JsonBody(call.request), errors);
        if (!campaign) {
            RejectFields("the campaign is not valid", errors);
        }
        RequireUnsubscribeLinks(*campaign);
        std::optional<app::IdempotentRequest> idempotency;
        if (const auto it = call.request.headers.find("idempotency-key"); it != call.request.headers.end()) {
            if (it->second.empty() || it->second.size() > kMaxIdempotencyKey) {
                throw BadRequest(400, "invalid_header", "Idempotency-Key must be 1 to 255 characters");
            }
            idempotency = app::IdempotentRequest{call.actor, it->second, domain::Sha256Hex(call.request.body)};
        }
        const auto result = campaigns_.Create(*campaign, idempotency, call.actor);
        if (result.outcome == app::CreateResult::Outcome::kConflict) {
            return app::JsonError(409, "idempotency_conflict",
                                  "this Idempotency-Key was used with a different request body");
        }
        // A replay answers 200 with the campaign the first request created.
        return app::JsonResponse(result.outcome == app::CreateResult::Outcome::kCreated ? 201 : 200,
                                 CampaignJson(*campaigns_.Get(result.id)));
    }

    /// Marketing email must carry a one-click unsubscribe link (docs/compliance.md), which needs PUBLIC_BASE_URL.
    void RequireUnsubscribeLinks(const domain::NewCampaign& campaign) const {
        if (campaign.content.kind == domain::Channel::kEmail && !campaign.content.transactional &&
            !unsubscribe_links_) {
            RejectFields("the campaign is not valid",
                         {{"transactional",
                           "a non-transactional email campaign needs a one-click unsubscribe link, and this server has "
                           "no PUBLIC_BASE_URL (with UNSUBSCRIBE_SECRET) configured; set them or send "
                           "\"transactional\": true for mail recipients cannot unsubscribe from"}});
        }
    }

    HttpResponse List(const RouteCall& call) {
        const auto query = QueryParams(call.request.query);
        const auto page = ParsePage(query, 50, 200);
        const auto status = ParseFilter<domain::CampaignStatus>(query, "status", domain::ParseCampaignStatus,
                                                                domain::kAllCampaignStatuses);
        return PageOf(campaigns_.List(page.cursor, page.limit + 1, status), page.limit,
                      [this](const app::CampaignRecord& c) { return Document(c); });
    }

    HttpResponse Show(const RouteCall& call) {
        const auto campaign = campaigns_.Get(call.id);
        return campaign ? app::JsonResponse(200, Document(*campaign)) : CampaignNotFound(call.id);
    }

    // A step's answer: the campaign after it, 409 naming its status when refused, 404 when it does not exist.
    HttpResponse Answer(const app::StepResult& result, std::uint64_t id, const std::string& verb) {
        switch (result.outcome) {
            case app::StepResult::Outcome::kDone: return app::JsonResponse(200, Document(*result.campaign));
            case app::StepResult::Outcome::kRefused:
                return app::JsonError(
                    409, "conflict",
                    "cannot " + verb + " a campaign that is " + std::string(domain::ToString(result.campaign->status)));
            case app::StepResult::Outcome::kNotFound: break;
        }
        return CampaignNotFound(id);
    }

    HttpResponse Prepare(const RouteCall& call) {
        const auto result =
            campaigns_.Take(call.id, CampaignStep::kPrepare,
                            {"prepare_requested", call.actor, nlohmann::json::object(), TraceOf(call.request)});
        if (result.outcome != app::StepResult::Outcome::kDone) {
            return Answer(result, call.id, "prepare");
        }
        // The scheduler duty of the poller process prepares campaigns in `preparing`.
        return app::JsonResponse(202, {{"id", call.id}, {"status", "preparing"}});
    }

    HttpResponse Schedule(const RouteCall& call) {
        std::vector<domain::FieldError> errors;
        const auto body = JsonObjectBody(call.request, {"scheduled_at"}, errors);
        const auto it = body.find("scheduled_at");
        const auto at =
            it != body.end() && it->is_string() ? domain::ParseRfc3339(it->get<std::string>()) : std::nullopt;
        if (!at && (errors.empty() || errors.front().field != "body")) {
            errors.push_back({"scheduled_at", "is required: an RFC 3339 timestamp such as 2026-12-01T09:00:00Z"});
        }
        if (!errors.empty()) {
            RejectFields("the schedule is not valid", errors);
        }
        const app::AuditNote note{
            "scheduled", call.actor, {{"scheduled_at", it->get<std::string>()}}, TraceOf(call.request)};
        return Answer(campaigns_.Take(call.id, CampaignStep::kSchedule, note, at), call.id, "schedule");
    }

    HttpResponse Step(const RouteCall& call, CampaignStep step, const char* event, const char* verb) {
        return Answer(campaigns_.Take(call.id, step, {event, call.actor}), call.id, verb);
    }

    HttpResponse Cancel(const RouteCall& call) {
        const auto result = campaigns_.Cancel(call.id, {"cancelled", call.actor});
        if (result.outcome != app::StepResult::Outcome::kDone) {
            return Answer(result, call.id, "cancel");
        }
        auto json = Document(*result.campaign);
        json["cancelled_messages"] = result.cancelled_messages;
        return app::JsonResponse(200, json);
    }

    HttpResponse Events(const RouteCall& call) {
        const auto query = QueryParams(call.request.query);
        const auto page = ParsePage(query, 100, 1000);
        NoStatusFilter(query);
        const auto events = campaigns_.Events(call.id, page.cursor, page.limit + 1);
        return events ? PageOf(*events, page.limit, EventJson) : CampaignNotFound(call.id);
    }

    HttpResponse Messages(const RouteCall& call) {
        const auto query = QueryParams(call.request.query);
        const auto page = ParsePage(query, 100, 1000);
        const app::MessageFilter filter{
            ParseFilter<domain::OutboxStatus>(query, "status", domain::ParseOutboxStatus, domain::kAllOutboxStatuses),
            ParseFilter<domain::DeliveryStatus>(query, "delivery_status", domain::ParseDeliveryStatus,
                                                domain::kAllDeliveryStatuses)};
        const auto messages = campaigns_.Messages(call.id, filter, page.cursor, page.limit + 1);
        return messages ? PageOf(*messages, page.limit, MessageJson) : CampaignNotFound(call.id);
    }

    HttpResponse Progress(const RouteCall& call) {
        auto progress = campaigns_.Progress(call.id);
        if (!progress) {
            return CampaignNotFound(call.id);
        }
        (*progress)["id"] = call.id;
        return app::JsonResponse(200, *progress);
    }

private:
    app::CampaignService& campaigns_;
    app::CampaignProgress& progress_;
    bool unsubscribe_links_;
};

}  // namespace

void AddCampaignRoutes(Router& router, app::CampaignService& campaigns, app::CampaignProgress& progress,
                       bool unsubscribe_links) {
    auto routes = std::make_shared<CampaignRoutes>(campaigns, progress, unsubscribe_links);
    const auto to = [routes](HttpResponse (CampaignRoutes::*handler)(const RouteCall&)) {
        return [routes, handler](const RouteCall& call) { return ((*routes).*handler)(call); };
    };
    const auto step = [routes](CampaignStep s, const char* event, const char* verb) {
        return [routes, s, event, verb](const RouteCall& call) { return routes->Step(call, s, event, verb); };
    };
    router.Add({"GET", "/campaigns", to(&CampaignRoutes::List)});
    router.Add({"POST", "/campaigns", to(&CampaignRoutes::Create)});
    router.Add({"GET", "/campaigns/{id}", to(&CampaignRoutes::Show)});
    router.Add({"POST", "/campaigns/{id}/prepare", to(&CampaignRoutes::Prepare)});
    router.Add({"POST", "/campaigns/{id}/schedule", to(&CampaignRoutes::Schedule)});
    router.Add({"POST", "/campaigns/{id}/pause", step(CampaignStep::kPause, "paused", "pause")});
    router.Add({"POST", "/campaigns/{id}/resume", step(CampaignStep::kResume, "resumed", "resume")});
    router.Add({"POST", "/campaigns/{id}/cancel", to(&CampaignRoutes::Cancel)});
    router.Add({"GET", "/campaigns/{id}/events", to(&CampaignRoutes::Events)});
    router.Add({"GET", "/campaigns/{id}/progress", to(&CampaignRoutes::Progress)});
    router.Add({"GET", "/campaigns/{id}/messages", to(&CampaignRoutes::Messages)});
}

}  // namespace bulkmsg::api
