#include "api/suppression_routes.hpp"

#include "api/json_views.hpp"
#include "api/request.hpp"

namespace bulkmsg::api {

namespace {

using app::HttpResponse;

std::string StringField(const nlohmann::json& body, const char* name) {
    const auto it = body.find(name);
    return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

HttpResponse Add(app::SuppressionService& suppressions, const RouteCall& call) {
    std::vector<domain::FieldError> errors;
    const auto body = JsonObjectBody(call.request, {"channel", "address", "reason"}, errors);
    const bool is_object = errors.empty() || errors.front().field != "body";
    app::Suppression suppression;
    const auto channel = StringField(body, "channel");
    suppression.address = StringField(body, "address");
    if (is_object) {
        const auto reason = body.value("reason", nlohmann::json(""));
        if (!reason.is_string() || reason.get<std::string>().size() > app::SuppressionService::kMaxReasonBytes) {
            errors.push_back({"reason", "must be a string of at most 255 bytes"});
        } else {
            suppression.reason = reason.get<std::string>();
        }
        for (auto& e : app::SuppressionService::Check(channel, suppression.address)) {
            errors.push_back(std::move(e));
        }
    }
    if (!errors.empty()) {
        RejectFields("the suppression is not valid", errors);
    }
    suppression.channel = *domain::ParseChannel(channel);
    const auto added = suppressions.Add(suppression);
    return app::JsonResponse(added == app::SuppressionService::Added::kCreated ? 201 : 200,
                             {{"channel", channel}, {"address", suppression.address}, {"reason", suppression.reason}});
}

HttpResponse Remove(app::SuppressionService& suppressions, const RouteCall& call) {
    auto query = QueryParams(call.request.query);
    const auto& channel = query["channel"];
    const auto& address = query["address"];
    if (const auto errors = app::SuppressionService::Check(channel, address); !errors.empty()) {
        throw BadRequest(400, "invalid_query", "give channel and address as query parameters", Details(errors));
    }
    if (!suppressions.Remove(*domain::ParseChannel(channel), address)) {
        return app::JsonError(404, "not_found", address + " is not suppressed on " + channel);
    }
    HttpResponse no_content;
    no_content.status = 204;
    return no_content;
}

HttpResponse List(app::SuppressionService& suppressions, const RouteCall& call) {
    const auto query = QueryParams(call.request.query);
    const auto page = ParsePage(query, 100, 1000);
    NoStatusFilter(query);
    std::optional<domain::Channel> channel;
    if (const auto it = query.find("channel"); it != query.end()) {
        channel = domain::ParseChannel(it->second);
        if (!channel) {
            throw BadRequest(400, "invalid_query", "channel must be one of email, sms, push");
        }
    }
    const auto address = query.find("address");
    const std::string prefix = address == query.end() ? "" : address->second;
    if (prefix.size() > 320) {
        throw BadRequest(400, "invalid_query", "address must be at most 320 bytes");
    }
    return PageOf(suppressions.List(channel, prefix, page.cursor, page.limit + 1), page.limit, SuppressionJson);
}

}  // namespace

void AddSuppressionRoutes(Router& router, app::SuppressionService& suppressions) {
    router.Add({"GET", "/suppressions", [&](const RouteCall& call) { return List(suppressions, call); }});
    router.Add({"POST", "/suppressions", [&](const RouteCall& call) { return Add(suppressions, call); }});
    router.Add({"DELETE", "/suppressions", [&](const RouteCall& call) { return Remove(suppressions, call); }});
}

}  // namespace bulkmsg::api
