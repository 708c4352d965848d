#include "domain/config_sections.hpp"

namespace bulkmsg::domain {

namespace {

constexpr std::size_t kMinSecretBytes = 16;

std::string Secret(const ConfigReader& r, const std::string& name) {
    auto secret = r.Text(name);
    if (!secret.empty() && secret.size() < kMinSecretBytes) {
        throw ConfigError(name, "must be at least " + std::to_string(kMinSecretBytes) + " characters");
    }
    return secret;
}

/// UNSUBSCRIBE_*: links are only published with PUBLIC_BASE_URL, and then need a secret to sign them.
void ParseUnsubscribe(const ConfigReader& r, Config& c) {
    c.unsubscribe.secret = Secret(r, "UNSUBSCRIBE_SECRET");
    c.unsubscribe.previous_secret = Secret(r, "UNSUBSCRIBE_SECRET_PREVIOUS");
    c.unsubscribe.mailto = r.Text("UNSUBSCRIBE_MAILTO");
    if (!c.public_base_url.empty() && c.unsubscribe.secret.empty()) {
        throw ConfigError("UNSUBSCRIBE_SECRET", "is required when PUBLIC_BASE_URL is set (it signs unsubscribe links)");
    }
    if (!c.unsubscribe.mailto.empty() && c.unsubscribe.mailto.find('@') == std::string::npos) {
        throw ConfigError("UNSUBSCRIBE_MAILTO", "must be an email address");
    }
}

}  // namespace

void ParseService(const ConfigReader& r, Config& c) {
    c.log = {r.OneOf("LOG_LEVEL", {"trace", "debug", "info", "warn", "error", "critical", "off"}),
             r.OneOf("LOG_FORMAT", {"json", "text"})};
    c.tracing = {r.Url("OTEL_EXPORTER_OTLP_ENDPOINT", true), r.Required("OTEL_SERVICE_NAME")};
    c.node_env = r.OneOf("NODE_ENV", {"development", "test", "production"});
    c.api_port = r.Port("EXPRESS_APP_PORT");
    c.metrics_port = r.Port("METRICS_PORT");
    c.api_body_limit_mb = r.Integer("API_BODY_LIMIT_MB", 1, 1024);
    c.api_upload_limit_mb = r.Integer("API_UPLOAD_LIMIT_MB", 1, 65536);
    c.api_max_concurrent_uploads = r.Integer("API_MAX_CONCURRENT_UPLOADS", 1, 64);
    c.api_rate_limit_per_sec = r.Integer("API_RATE_LIMIT_PER_SEC", 0, 1'000'000);
    c.public_base_url = r.Url("PUBLIC_BASE_URL", true);
    c.session_idle_minutes = r.Integer("SESSION_IDLE_MINUTES", 1, 10'080);
    c.webhooks = {r.Text("SENDGRID_WEBHOOK_PUBLIC_KEY"), r.Integer("WEBHOOK_MAX_AGE_SECONDS", 1, 86'400),
                  r.Integer("WEBHOOK_BODY_LIMIT_MB", 1, 1024)};
    // Twilio posts status callbacks to the URL each send names: ours, unless SMS_STATUS_CALLBACK_URL says otherwise.
    if (c.sms.status_callback_url.empty() && !c.public_base_url.empty()) {
        c.sms.status_callback_url = c.public_base_url + "/webhooks/twilio/status";
    }
    ParseUnsubscribe(r, c);
}

}  // namespace bulkmsg::domain
