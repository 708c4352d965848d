#include "app/ops_routes.hpp"

#include <nlohmann/json.hpp>

#include "app/version.hpp"

namespace bulkmsg::app {

OpsRoutes::OpsRoutes(std::string role, std::function<ReadinessReport()> readiness, MetricsRegistry* metrics)
    : role_(std::move(role)), readiness_(std::move(readiness)), metrics_(metrics) {}

namespace {

HttpResponse ReadyResponse(const ReadinessReport& report) {
    nlohmann::json checks = nlohmann::json::object();
    for (const auto& r : report.results) {
        checks[r.name] = r.ok ? nlohmann::json{{"ok", true}} : nlohmann::json{{"ok", false}, {"error", r.error}};
    }
    nlohmann::json body = {{"status", report.ready ? "ready" : "not_ready"}, {"checks", checks}};
    return JsonResponse(report.ready ? 200u : 503u, body);
}

}  // namespace

HttpResponse OpsRoutes::Handle(const HttpRequest& request) const {
    const bool known = request.path == "/health" || request.path == "/live" || request.path == "/ready" ||
                       (request.path == "/metrics" && metrics_ != nullptr);
    if (!known) {
        return JsonError(404, "not_found", "no route for " + request.method + " " + request.path);
    }
    if (request.method != "GET" && request.method != "HEAD") {
        return JsonError(405, "method_not_allowed", request.path + " accepts GET only");
    }
    if (request.path == "/health") {
        nlohmann::json body = {{"status", "ok"}, {"role", role_}, {"version", kVersion}, {"revision", kRevision}};
        return JsonResponse(200, body);
    }
    if (request.path == "/metrics") {
        HttpResponse response;
        response.content_type = "text/plain; version=0.0.4; charset=utf-8";
        response.body = metrics_->Render();
        return response;
    }
    if (request.path == "/live") {
        return JsonResponse(200, {{"status", "alive"}});
    }
    return ReadyResponse(readiness_());
}

}  // namespace bulkmsg::app
