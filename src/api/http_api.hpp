#pragma once

#include <string>
#include <utility>
#include <vector>

#include "api/access_control.hpp"
#include "api/api_key_auth.hpp"
#include "api/dashboard_routes.hpp"
#include "api/router.hpp"
#include "api/session_auth.hpp"
#include "api/session_routes.hpp"
#include "api/unsubscribe_routes.hpp"
#include "api/webhook_routes.hpp"
#include "app/api_key_store.hpp"
#include "app/campaign_progress.hpp"
#include "app/campaign_service.hpp"
#include "app/feedback_store.hpp"
#include "app/login_attempts.hpp"
#include "app/random_source.hpp"
#include "app/session_service.hpp"
#include "app/session_store.hpp"
#include "app/suppression_service.hpp"
#include "app/target_upload.hpp"
#include "app/template_preview.hpp"
#include "app/unsubscribe_service.hpp"
#include "app/user_store.hpp"
#include "domain/list_unsubscribe.hpp"

namespace bulkmsg::api {

/// The stores the API works on (the adapters', or in-memory fakes in unit tests).
struct ApiStores {
    app::CampaignStore& campaigns;
    app::TargetStore& targets;
    app::MessageStore& messages;
    app::SuppressionStore& suppressions;
    app::ApiKeyStore& api_keys;
    app::FeedbackStore& feedback;
    app::UserStore& users;
    app::SessionStore& sessions;
    app::LoginAttempts& login_attempts;
};

struct ApiSettings {
    double requests_per_second = 0;             // API_RATE_LIMIT_PER_SEC; 0 = off
    std::ptrdiff_t max_concurrent_uploads = 2;  // API_MAX_CONCURRENT_UPLOADS
    WebhookSettings webhooks;
    // PUBLIC_BASE_URL and the UNSUBSCRIBE_* keys: without them marketing email cannot be created (no unsubscribe
    // link), and /u/{token} refuses every token
    domain::UnsubscribeLinks unsubscribe;
    domain::SessionLifetime sessions;  // SESSION_IDLE_MINUTES and the 7-day absolute limit
    bool secure_cookie = false;        // PUBLIC_BASE_URL is https: the session cookie gets Secure
    domain::DefaultSenders senders;    // EMAIL_FROM, SMS_SENDER_ID: what template previews show as the sender
};

/// The campaign API under /api/v1 (JSON): the use cases wired to their routes behind API-key or session
/// authentication (access_control.hpp: CSRF and roles for sessions, the request rate limit for keys); the
/// dashboard's login at /session (session_routes.hpp) and its files (dashboard_routes.hpp); the providers' webhooks
/// under /webhooks (webhook_routes.hpp) and the unsubscribe links /u/{token} (unsubscribe_routes.hpp), both without API
/// keys; every failure answered by the one error policy (error_policy.hpp). Errors use
/// {"error": {"code", "message", "details"}}; a bad request never writes anything, except that an upload stores
/// its valid rows and reports the others. `cache` and `limiter` may be null. Thread-safe when the stores are.
class HttpApi {
public:
    HttpApi(const ApiStores& stores, app::Clock& clock, app::SecureRandom& random, app::ProgressCache* cache,
            app::RateLimiter* limiter, const ApiSettings& settings);

    /// True for paths this API serves: everything under /api/v1 and /webhooks/, /session, the unsubscribe links
    /// /u/{token}, and the dashboard's files at / and under /assets/.
    bool Owns(const std::string& path) const {
        return v1_.Owns(path) || WebhookRoutes::Owns(path) || UnsubscribeRoutes::Owns(path) ||
               SessionRoutes::Owns(path) || DashboardRoutes::Owns(path);
    }
    /// True for requests whose body the server should stream to the handler, judged on the request line alone.
    bool StreamsBody(const app::HttpRequest& head) const { return v1_.StreamsBody(head); }
    /// Every route as (method, path template); api/openapi.yaml must document exactly these.
    std::vector<std::pair<std::string, std::string>> Routes() const;
    /// Which webhooks are configured (for /ready and `bulkmsg check`).
    std::vector<std::pair<std::string, bool>> WebhooksEnabled() const { return webhooks_.Enabled(); }
    app::HttpResponse Handle(const app::HttpRequest& request);

private:
    app::CampaignProgress progress_;
    app::CampaignService campaigns_;
    app::TargetUploads uploads_;
    app::SuppressionService suppressions_;
    app::FeedbackIngest feedback_;
    app::TemplatePreview preview_;
    WebhookRoutes webhooks_;
    app::UnsubscribeService unsubscribe_;
    UnsubscribeRoutes unsubscribe_routes_;
    ApiKeyAuth auth_;
    app::LoginThrottle login_throttle_;
    app::SessionService sessions_;
    SessionAuth session_auth_;
    SessionRoutes session_routes_;
    DashboardRoutes dashboard_;
    AccessControl access_;
    Router v1_;
};

}  // namespace bulkmsg::api
