#include "api/http_api.hpp"

#include "api/campaign_routes.hpp"
#include "api/error_policy.hpp"
#include "api/message_routes.hpp"
#include "api/suppression_routes.hpp"
#include "api/target_routes.hpp"
#include "api/template_routes.hpp"
#include "app/log.hpp"

namespace bulkmsg::api {

HttpApi::HttpApi(const ApiStores& stores, app::Clock& clock, app::SecureRandom& random, app::ProgressCache* cache,
                 app::RateLimiter* limiter, const ApiSettings& settings)
    : progress_(stores.messages, clock, cache),
      campaigns_(stores.campaigns, stores.messages, progress_),
      uploads_(stores.targets, stores.campaigns, progress_),
      suppressions_(stores.suppressions),
      feedback_(stores.feedback),
      preview_(settings.senders, settings.unsubscribe),
      webhooks_(feedback_, clock, settings.webhooks),
      unsubscribe_(stores.suppressions, settings.unsubscribe.keys),
      unsubscribe_routes_(unsubscribe_, limiter, clock),
      auth_(stores.api_keys, clock, limiter, settings.requests_per_second),
      login_throttle_(stores.login_attempts, clock),
      sessions_(stores.users, stores.sessions, login_throttle_, clock, random, settings.sessions),
      session_auth_(sessions_),
      session_routes_(sessions_, session_auth_, settings.secure_cookie),
      access_(auth_, session_auth_),
      v1_("/api/v1") {
    AddCampaignRoutes(v1_, campaigns_, progress_, settings.unsubscribe.Enabled());
    AddTargetRoutes(v1_, uploads_, settings.max_concurrent_uploads);
    AddSuppressionRoutes(v1_, suppressions_);
    AddMessageRoutes(v1_, feedback_);
    AddTemplateRoutes(v1_, preview_);
}

std::vector<std::pair<std::string, std::string>> HttpApi::Routes() const {
    auto routes = v1_.Routes();
    for (const auto* path : {"/webhooks/sendgrid", "/webhooks/twilio/status", "/webhooks/twilio/inbound"}) {
        routes.emplace_back("POST", path);
    }
    routes.emplace_back("GET", "/u/{token}");
    routes.emplace_back("POST", "/u/{token}");
    for (const auto* method : {"GET", "POST", "DELETE"}) {
        routes.emplace_back(method, "/session");
    }
    return routes;
}

app::HttpResponse HttpApi::Handle(const app::HttpRequest& request) {
    try {
        if (WebhookRoutes::Owns(request.path)) {
            return webhooks_.Handle(request);
        }
        if (UnsubscribeRoutes::Owns(request.path)) {
            return unsubscribe_routes_.Handle(request);
        }
        if (SessionRoutes::Owns(request.path)) {
            return session_routes_.Handle(request);
        }
        if (DashboardRoutes::Owns(request.path)) {
            return dashboard_.Handle(request);
        }
        auto admitted = access_.Admit(request);
        if (auto* refusal = std::get_if<app::HttpResponse>(&admitted)) {
            return std::move(*refusal);
        }
        const auto& actor = std::get<Principal>(admitted).actor;
        auto response = v1_.Dispatch(request, actor);
        if (request.method != "GET" && response.status < 300) {
            app::Log(
                app::LogLevel::kInfo, "api", "campaign changed",
                {{"actor", actor}, {"method", request.method}, {"path", request.path}, {"status", response.status}});
        }
        return response;
    } catch (...) {
        return FailureResponse(std::current_exception(), request);
    }
}

}  // namespace bulkmsg::api
