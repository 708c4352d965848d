#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "app/clock.hpp"
#include "app/feedback_ingest.hpp"
#include "app/http_types.hpp"
#include "app/log.hpp"

namespace bulkmsg::api {

struct WebhookSettings {
    std::string sendgrid_public_key;    // SENDGRID_WEBHOOK_PUBLIC_KEY (base64 DER); empty: /webhooks/sendgrid is off
    std::string twilio_auth_token;      // SMS_AUTH_TOKEN; the Twilio routes are off without it or public_base_url
    std::string public_base_url;        // PUBLIC_BASE_URL: the URL Twilio signs is this + the path
    std::chrono::seconds max_age{600};  // WEBHOOK_MAX_AGE_SECONDS (SendGrid timestamp)
    std::uint64_t body_limit_bytes = 8ull << 20;  // WEBHOOK_BODY_LIMIT_MB

    bool SendgridOn() const { return !sendgrid_public_key.empty(); }
    bool TwilioOn() const { return !twilio_auth_token.empty() && !public_base_url.empty(); }
    /// "sendgrid" and "twilio" with whether each is on (for /ready and `bulkmsg check`).
    std::vector<std::pair<std::string, bool>> Enabled() const {
        return {{"sendgrid", SendgridOn()}, {"twilio", TwilioOn()}};
    }
};

/// The providers' feedback webhooks, outside /api/v1 and without API keys, each behind its provider's signature:
///   POST /webhooks/sendgrid        JSON array of events; X-Twilio-Email-Event-Webhook-Signature/-Timestamp
///   POST /webhooks/twilio/status   form status callback; X-Twilio-Signature
///   POST /webhooks/twilio/inbound  form inbound SMS (STOP/START keywords); X-Twilio-Signature; answers <Response/>
/// A route whose secret is not configured answers 404. A bad or missing signature (401), a stale timestamp (401),
/// another content type (415), a body over the limit (413) or a malformed body (400) writes nothing, counts in
/// bulkmsg_webhook_rejected_total{provider, reason} and is logged at most once per 10 s per reason.
/// Thread-safe when the store is.
class WebhookRoutes {
public:
    WebhookRoutes(app::FeedbackIngest& ingest, app::Clock& clock, WebhookSettings settings);

    static bool Owns(const std::string& path) { return path.starts_with("/webhooks/"); }
    app::HttpResponse Handle(const app::HttpRequest& request);

    std::vector<std::pair<std::string, bool>> Enabled() const { return settings_.Enabled(); }

private:
    app::HttpResponse Sendgrid(const app::HttpRequest& request);
    app::HttpResponse Twilio(const app::HttpRequest& request, bool inbound);
    /// Counts and (throttled) logs a refusal, and returns its error answer with details [{"field", "reason"}]: the
    /// header or part of the body at fault and the reason (the metric's label).
    app::HttpResponse Reject(const std::string& provider, unsigned status, const std::string& reason,
                             const std::string& message, const std::string& field);

    app::FeedbackIngest& ingest_;
    app::Clock& clock_;
    WebhookSettings settings_;
    std::mutex log_mutex_;
    std::map<std::string, app::LogThrottle> log_throttles_;  // by provider:reason
};

}  // namespace bulkmsg::api
