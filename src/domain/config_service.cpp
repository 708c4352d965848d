#include "domain/config_sections.hpp"

namespace bulkmsg::domain {

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
    c.webhooks = {r.Text("SENDGRID_WEBHOOK_PUBLIC_KEY"), r.Integer("WEBHOOK_MAX_AGE_SECONDS", 1, 86'400),
                  r.Integer("WEBHOOK_BODY_LIMIT_MB", 1, 1024)};
    // Twilio posts status callbacks to the URL each send names: ours, unless SMS_STATUS_CALLBACK_URL says otherwise.
    if (c.sms.status_callback_url.empty() && !c.public_base_url.empty()) {
        c.sms.status_callback_url = c.public_base_url + "/webhooks/twilio/status";
    }
}

}  // namespace bulkmsg::domain
