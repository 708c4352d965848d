#include "api/ops_routes.hpp"

#include <nlohmann/json.hpp>

#include "app/version.hpp"

namespace bulkmsg::api {

using app::HttpRequest;
using app::HttpResponse;

OpsRoutes::OpsRoutes(std::string role, std::function<app::ReadinessReport()> readiness, app::MetricsRegistry* metrics,
                     std::vector<std::pair<std::string, bool>> webhooks)
    : role_(std::move(role)), readiness_(std::move(readiness)), metrics_(metrics), webhooks_(std::move(webhooks)) {}

namespace {

HttpResponse ReadyResponse(const app::ReadinessReport& report,
                           const std::vector<std::pair<std::string, bool>>& webhooks) {
    nlohmann::json checks = nlohmann::json::object();
    for (const auto& r : report.results) {
        checks[r.name] = r.ok ? nlohmann::json{{"ok", true}} : nlohmann::json{{"ok", false}, {"error", r.error}};
        if (!r.endpoint.empty()) {
            checks[r.name]["endpoint"] = r.endpoint;
        }
    }
    nlohmann::json body = {{"status", report.ready ? "ready" : "not_ready"}, {"checks", checks}};
    if (!webhooks.empty()) {
        auto& on = body["webhooks"] = nlohmann::json::object();
        for (const auto& [name, enabled] : webhooks) {
            on[name] = enabled;
        }
    }
    return app::JsonResponse(report.ready ? 200u : 503u, body);
}

}  // namespace

HttpResponse OpsRoutes::Handle(const HttpRequest& request) const {
    const bool known = request.path == "/health" || request.path == "/live" || request.path == "/ready" ||
                       (request.path == "/metrics" && metrics_ != nullptr);
    if (!known) {
        return app::JsonError(404, "not_found", "no route for " + request.method + " " + request.path);
    }
    if (request.method != "GET" && request.method != "HEAD") {
        return app::JsonError(405, "method_not_allowed", request.path + " accepts GET only");
    }
    if (request.path == "/health") {
        nlohmann::json body = {
            {"status", "ok"}, {"role", role_}, {"version", app::kVersion}, {"revision", app::kRevision}};
        return app::JsonResponse(200, body);
    }
    if (request.path == "/metrics") {
        HttpResponse response;
        response.content_type = "text/plain; version=0.0.4; charset=utf-8";
        response.body = metrics_->Render();
        return response;
    }
    if (request.path == "/live") {
        return app::JsonResponse(200, {{"status", "alive"}});
    }
    return ReadyResponse(readiness_(), webhooks_);
}

}  // namespace bulkmsg::api
