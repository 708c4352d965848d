#include "app/ops_routes.hpp"

#include <nlohmann/json.hpp>

#include "app/version.hpp"

namespace bulkmsg::app {

HttpResponse JsonError(unsigned status, const std::string& code, const std::string& message,
                       const nlohmann::json& details) {
    nlohmann::json body = {{"error", {{"code", code}, {"message", message}, {"details", details}}}};
    return {status, "application/json", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

OpsRoutes::OpsRoutes(std::string role, std::function<ReadinessReport()> readiness)
    : role_(std::move(role)), readiness_(std::move(readiness)) {}

namespace {

HttpResponse ReadyResponse(const ReadinessReport& report) {
    nlohmann::json checks = nlohmann::json::object();
    for (const auto& r : report.results) {
        checks[r.name] = r.ok ? nlohmann::json{{"ok", true}} : nlohmann::json{{"ok", false}, {"error", r.error}};
    }
    nlohmann::json body = {{"status", report.ready ? "ready" : "not_ready"}, {"checks", checks}};
    return {report.ready ? 200u : 503u, "application/json", body.dump()};
}

}  // namespace

HttpResponse OpsRoutes::Handle(const HttpRequest& request) const {
    const bool known = request.path == "/health" || request.path == "/live" || request.path == "/ready";
    if (!known) {
        return JsonError(404, "not_found", "no route for " + request.method + " " + request.path);
    }
    if (request.method != "GET" && request.method != "HEAD") {
        return JsonError(405, "method_not_allowed", request.path + " accepts GET only");
    }
    if (request.path == "/health") {
        nlohmann::json body = {{"status", "ok"}, {"role", role_}, {"version", kVersion}, {"revision", kRevision}};
        return {200, "application/json", body.dump()};
    }
    if (request.path == "/live") {
        return {200, "application/json", R"({"status":"alive"})"};
    }
    return ReadyResponse(readiness_());
}

}  // namespace bulkmsg::app
