#include "api/message_routes.hpp"

#include "domain/campaign_request.hpp"

namespace bulkmsg::api {

void AddMessageRoutes(Router& router, app::FeedbackIngest& feedback) {
    router.Add({"GET", "/messages/{id}/events", [&feedback](const RouteCall& call) {
                    const auto events = feedback.Timeline(call.id);
                    if (!events) {
                        return app::JsonError(404, "not_found", "message " + std::to_string(call.id) + " not found");
                    }
                    nlohmann::json items = nlohmann::json::array();
                    for (const auto& e : *events) {
                        items.push_back({{"id", e.id},
                                         {"provider", e.provider},
                                         {"type", e.type},
                                         {"provider_event_id", e.provider_event_id},
                                         {"occurred_at", domain::FormatRfc3339(e.occurred_at)},
                                         {"reason", e.reason},
                                         {"code", e.code}});
                    }
                    return app::JsonResponse(200, {{"id", call.id}, {"items", items}});
                }});
}

}  // namespace bulkmsg::api
