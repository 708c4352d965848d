#include "domain/config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace bulkmsg::domain {

ConfigError::ConfigError(std::string variable, const std::string& problem)
    : std::runtime_error(variable + ": " + problem), variable_(std::move(variable)) {}

const std::vector<VariableSpec>& ConfigVariables() {
    static const std::vector<VariableSpec> specs = {
        {"DB_HOST", "127.0.0.1"},
        {"DB_PORT", "13306"},
        {"DB_USERNAME", "bulkmsg"},
        {"DB_PASSWORD", "bulkmsg-dev-password", true},
        {"DB_NAME", "bulkmsg"},
        {"RABBITMQ_HOST", "127.0.0.1"},
        {"RABBITMQ_PORT", "15673"},
        {"RABBITMQ_USER", "bulkmsg"},
        {"RABBITMQ_PASSWORD", "bulkmsg-dev-password", true},
        {"RABBITMQ_VHOST", "bulkmsg"},
        {"RABBITMQ_QUEUE_TYPE", "classic"},
        {"NOTIFICATION_QUEUE", "notification.queue"},
        {"DEAD_LETTER_QUEUE", "failed_messages"},
        {"REDIS_HOST", "127.0.0.1"},
        {"REDIS_PORT", "16379"},
        {"REDIS_PASSWORD", "bulkmsg-dev-password", true},
        {"EMAIL_PROVIDER", "log"},
        {"EMAIL_API_KEY", "", true},
        {"EMAIL_FROM", "noreply@example.com"},
        {"EMAIL_FROM_NAME", "bulkmsg"},
        {"SMS_PROVIDER", "log"},
        {"SMS_ACCOUNT_SID", ""},
        {"SMS_AUTH_TOKEN", "", true},
        {"SMS_SENDER_ID", "+15005550006"},
        {"SMS_MESSAGING_SERVICE_SID", ""},
        {"SMS_STATUS_CALLBACK_URL", ""},
        {"PUSH_PROVIDER", "log"},
        {"FCM_CREDENTIALS_FILE", ""},
        {"APNS_KEY_FILE", ""},
        {"APNS_KEY_ID", ""},
        {"APNS_TEAM_ID", ""},
        {"APNS_TOPIC", ""},
        {"APNS_ENVIRONMENT", "production"},
        {"APNS_EXPIRATION_SECONDS", "86400"},
        {"SENDGRID_BASE_URL", "https://api.sendgrid.com"},
        {"TWILIO_BASE_URL", "https://api.twilio.com"},
        {"FCM_BASE_URL", "https://fcm.googleapis.com"},
        {"FCM_TOKEN_URL", ""},
        {"APNS_BASE_URL", ""},
        {"PROVIDER_TIMEOUT_MS", "10000"},
        {"PROVIDER_CA_FILE", ""},
        {"PROVIDER_SIMULATOR_URL", "http://127.0.0.1:4010"},
        {"PROVIDER_SIMULATOR_APNS_URL", "https://127.0.0.1:4011"},
        {"NODE_ENV", "development"},
        {"EXPRESS_APP_PORT", "3001"},
        {"METRICS_PORT", "9464"},
        {"API_BODY_LIMIT_MB", "32"},
        {"API_UPLOAD_LIMIT_MB", "2048"},
        {"API_MAX_CONCURRENT_UPLOADS", "2"},
        {"API_RATE_LIMIT_PER_SEC", "100"},
        {"POLL_INTERVAL_MS", "5000"},
        {"POLL_BATCH_SIZE", "1000"},
        {"POLL_PIPELINE_DEPTH", "4"},
        {"POLL_DRAIN", "true"},
        {"PREPARE_BATCH_SIZE", "1000"},
        {"SCHEDULE_MAX_LATENESS", "24h"},
        {"QUEUED_LEASE_SECONDS", "900"},
        {"PUBLISH_CONFIRM_TIMEOUT_MS", "10000"},
        {"CONSUMER_WORKERS", "3"},
        {"CONSUMER_PREFETCH", "200"},
        {"CONSUMER_MAX_IN_FLIGHT", "256"},
        {"MAX_ATTEMPTS", "3"},
        {"RETRY_DELAY_SECONDS", "300"},
        {"RETRY_BACKOFF", "fixed"},
        {"EMAIL_RATE_PER_SEC", "0"},
        {"SMS_RATE_PER_SEC", "0"},
        {"PUSH_RATE_PER_SEC", "0"},
        {"SENT_MARKER_TTL_SECONDS", "604800"},
        {"SHUTDOWN_TIMEOUT_SECONDS", "10"},
        {"LOG_LEVEL", "info"},
        {"LOG_FORMAT", "json"},
        {"OTEL_EXPORTER_OTLP_ENDPOINT", ""},
        {"OTEL_SERVICE_NAME", "bulkmsg"},
    };
    return specs;
}

namespace {

class Reader {
public:
    explicit Reader(const EnvVars& vars) : vars_(vars) {}

    std::string Text(const std::string& name) const {
        if (auto it = vars_.find(name); it != vars_.end()) {
            return it->second;
        }
        const auto& specs = ConfigVariables();
        auto spec = std::find_if(specs.begin(), specs.end(), [&](const VariableSpec& s) { return s.name == name; });
        if (spec == specs.end()) {
            throw std::logic_error("configuration variable not declared: " + name);
        }
        return spec->default_value;
    }

    std::string Required(const std::string& name) const {
        auto value = Text(name);
        if (value.empty()) {
            throw ConfigError(name, "must not be empty");
        }
        return value;
    }

    std::uint16_t Port(const std::string& name) const {
        auto value = Text(name);
        unsigned parsed = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
        if (ec != std::errc{} || end != value.data() + value.size() || parsed == 0 || parsed > 65535) {
            throw ConfigError(name, "must be a port number between 1 and 65535, got '" + value + "'");
        }
        return static_cast<std::uint16_t>(parsed);
    }

    std::uint32_t Integer(const std::string& name, std::uint32_t min, std::uint32_t max) const {
        auto value = Text(name);
        std::uint64_t parsed = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
        if (ec != std::errc{} || end != value.data() + value.size() || parsed < min || parsed > max) {
            throw ConfigError(name, "must be an integer between " + std::to_string(min) + " and " +
                                        std::to_string(max) + ", got '" + value + "'");
        }
        return static_cast<std::uint32_t>(parsed);
    }

    /// Seconds, written as a number with an optional unit: s, m, h or d (e.g. 90, 15m, 24h).
    std::uint32_t Duration(const std::string& name, std::uint64_t min_seconds, std::uint64_t max_seconds) const {
        const auto value = Text(name);
        std::uint64_t amount = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), amount);
        const std::string unit(end, value.data() + value.size());
        const std::map<std::string, std::uint64_t> scale = {{"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86'400}};
        const auto factor = scale.find(unit);
        if (ec != std::errc{} || end == value.data() || factor == scale.end() ||
            amount * factor->second < min_seconds || amount > max_seconds || amount * factor->second > max_seconds) {
            throw ConfigError(name, "must be a duration such as 90s, 15m, 24h or 7d, between " +
                                        std::to_string(min_seconds) + " and " + std::to_string(max_seconds) +
                                        " seconds, got '" + value + "'");
        }
        return static_cast<std::uint32_t>(amount * factor->second);
    }

    /// An http(s) URL without a trailing slash; empty only when `optional`.
    std::string Url(const std::string& name, bool optional = false) const {
        auto value = Text(name);
        if (value.empty() && optional) {
            return value;
        }
        if (!(value.starts_with("http://") || value.starts_with("https://")) || value.size() < 10 ||
            value.find_first_of(" \t\r\n") != std::string::npos) {
            throw ConfigError(name, "must be an http:// or https:// URL, got '" + value + "'");
        }
        while (value.ends_with("/")) {
            value.pop_back();
        }
        return value;
    }

    std::string OneOf(const std::string& name, const std::vector<std::string>& allowed) const {
        auto value = Text(name);
        if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
            std::string list;
            for (const auto& a : allowed) {
                list += (list.empty() ? "" : ", ") + a;
            }
            throw ConfigError(name, "must be one of " + list + ", got '" + value + "'");
        }
        return value;
    }

private:
    const EnvVars& vars_;
};

void RequireCredentials(const Reader& r, const std::string& provider_var, const std::string& real_provider,
                        const std::vector<std::string>& credential_vars) {
    if (r.Text(provider_var) != real_provider) {
        return;
    }
    for (const auto& var : credential_vars) {
        if (r.Text(var).empty()) {
            throw ConfigError(var, "is required when " + provider_var + "=" + real_provider);
        }
    }
}

const char* kApnsProduction = "https://api.push.apple.com";
const char* kApnsSandbox = "https://api.sandbox.push.apple.com";

/// The email, SMS and push providers. With "simulator", the real clients are pointed at the local simulator
/// (PROVIDER_SIMULATOR_URL, PROVIDER_SIMULATOR_APNS_URL) and need the same credentials as the real services.
void ParseProviders(const Reader& r, Config& c) {
    const auto simulator = r.Url("PROVIDER_SIMULATOR_URL");
    c.email.provider = r.OneOf("EMAIL_PROVIDER", {"sendgrid", "simulator", "log"});
    c.email.api_key = r.Text("EMAIL_API_KEY");
    c.email.from = r.Required("EMAIL_FROM");
    c.email.from_name = r.Text("EMAIL_FROM_NAME");
    c.email.base_url = c.email.provider == "simulator" ? simulator : r.Url("SENDGRID_BASE_URL");
    for (const auto* real : {"sendgrid", "simulator"}) {
        RequireCredentials(r, "EMAIL_PROVIDER", real, {"EMAIL_API_KEY"});
    }

    c.sms.provider = r.OneOf("SMS_PROVIDER", {"twilio", "simulator", "log"});
    c.sms.account_sid = r.Text("SMS_ACCOUNT_SID");
    c.sms.auth_token = r.Text("SMS_AUTH_TOKEN");
    c.sms.sender_id = r.Required("SMS_SENDER_ID");
    c.sms.messaging_service_sid = r.Text("SMS_MESSAGING_SERVICE_SID");
    c.sms.status_callback_url = r.Url("SMS_STATUS_CALLBACK_URL", true);
    c.sms.base_url = c.sms.provider == "simulator" ? simulator : r.Url("TWILIO_BASE_URL");
    for (const auto* real : {"twilio", "simulator"}) {
        RequireCredentials(r, "SMS_PROVIDER", real, {"SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN"});
    }

    auto& p = c.push;
    p.provider = r.OneOf("PUSH_PROVIDER", {"fcm", "apns", "simulator", "log"});
    p.fcm_credentials_file = r.Text("FCM_CREDENTIALS_FILE");
    p.apns_key_file = r.Text("APNS_KEY_FILE");
    p.apns_key_id = r.Text("APNS_KEY_ID");
    p.apns_team_id = r.Text("APNS_TEAM_ID");
    p.apns_topic = r.Text("APNS_TOPIC");
    p.apns_expiration_seconds = r.Integer("APNS_EXPIRATION_SECONDS", 0, 30 * 86'400);
    const auto environment = r.OneOf("APNS_ENVIRONMENT", {"production", "sandbox"});
    if (p.provider == "simulator") {
        p.fcm_base_url = simulator;
        p.fcm_token_url = simulator + "/token";
        p.apns_base_url = r.Url("PROVIDER_SIMULATOR_APNS_URL");
    } else {
        p.fcm_base_url = r.Url("FCM_BASE_URL");
        p.fcm_token_url = r.Url("FCM_TOKEN_URL", true);
        p.apns_base_url = r.Url("APNS_BASE_URL", true);
        if (p.apns_base_url.empty()) {
            p.apns_base_url = environment == "production" ? kApnsProduction : kApnsSandbox;
        }
    }
    for (const auto* real : {"fcm", "simulator"}) {
        RequireCredentials(r, "PUSH_PROVIDER", real, {"FCM_CREDENTIALS_FILE"});
    }
    for (const auto* real : {"apns", "simulator"}) {
        RequireCredentials(r, "PUSH_PROVIDER", real, {"APNS_KEY_FILE", "APNS_KEY_ID", "APNS_TEAM_ID", "APNS_TOPIC"});
    }
    c.provider_transport.timeout_ms = r.Integer("PROVIDER_TIMEOUT_MS", 100, 600'000);
    c.provider_transport.ca_file = r.Text("PROVIDER_CA_FILE");
}

void ParseConsumer(const Reader& r, Config& c) {
    auto& k = c.consumer;
    k.workers = r.Integer("CONSUMER_WORKERS", 1, 64);
    k.prefetch = r.Integer("CONSUMER_PREFETCH", 1, 10'000);
    k.max_in_flight = r.Integer("CONSUMER_MAX_IN_FLIGHT", 1, 10'000);
    k.max_attempts = r.Integer("MAX_ATTEMPTS", 1, 100);
    k.retry_delay_seconds = r.Integer("RETRY_DELAY_SECONDS", 1, 7 * 86'400);
    k.exponential_backoff = r.OneOf("RETRY_BACKOFF", {"fixed", "exponential"}) == "exponential";
    k.email_rate = r.Integer("EMAIL_RATE_PER_SEC", 0, 1'000'000);
    k.sms_rate = r.Integer("SMS_RATE_PER_SEC", 0, 1'000'000);
    k.push_rate = r.Integer("PUSH_RATE_PER_SEC", 0, 1'000'000);
    k.sent_marker_ttl_seconds = r.Integer("SENT_MARKER_TTL_SECONDS", 60, 365 * 86'400);
    k.shutdown_timeout_seconds = r.Integer("SHUTDOWN_TIMEOUT_SECONDS", 1, 3600);
    // A claimed message waits at most half the lease for a rate token, then its provider call may take the whole
    // timeout: both must end before the lease does, or the poller republishes a row that is still being sent.
    if (static_cast<std::uint64_t>(c.poller.queued_lease_seconds) * 1000 < 3ULL * c.provider_transport.timeout_ms) {
        throw ConfigError("QUEUED_LEASE_SECONDS", "must be at least 3 x PROVIDER_TIMEOUT_MS (" +
                                                      std::to_string(3ULL * c.provider_transport.timeout_ms / 1000) +
                                                      " s), so a message being sent is never republished");
    }
    // The markers must outlive every redelivery and retry of a message, or a late retry could send it again.
    const double doublings =
        k.exponential_backoff ? std::pow(2.0, std::min(k.max_attempts, 30u)) * 1.25 : k.max_attempts;
    const double horizon = static_cast<double>(k.retry_delay_seconds) * doublings + c.poller.queued_lease_seconds;
    if (static_cast<double>(k.sent_marker_ttl_seconds) < horizon) {
        throw ConfigError("SENT_MARKER_TTL_SECONDS",
                          "must exceed the retry horizon (" + std::to_string(static_cast<std::uint64_t>(horizon)) +
                              " s with MAX_ATTEMPTS, RETRY_DELAY_SECONDS, RETRY_BACKOFF and QUEUED_LEASE_SECONDS)");
    }
}

}  // namespace

Config ParseConfig(const EnvVars& vars) {
    const Reader r(vars);
    Config c;
    c.db = {r.Required("DB_HOST"), r.Port("DB_PORT"), r.Required("DB_USERNAME"), r.Text("DB_PASSWORD"),
            r.Required("DB_NAME")};
    c.rabbitmq = {r.Required("RABBITMQ_HOST"), r.Port("RABBITMQ_PORT"), r.Required("RABBITMQ_USER"),
                  r.Text("RABBITMQ_PASSWORD"), r.Required("RABBITMQ_VHOST")};
    c.redis = {r.Required("REDIS_HOST"), r.Port("REDIS_PORT"), r.Text("REDIS_PASSWORD")};
    c.queues = {r.Required("NOTIFICATION_QUEUE"), r.Required("DEAD_LETTER_QUEUE"),
                r.OneOf("RABBITMQ_QUEUE_TYPE", {"classic", "quorum"})};
    if (c.queues.queue == c.queues.dead_letter_queue) {
        throw ConfigError("DEAD_LETTER_QUEUE", "must differ from NOTIFICATION_QUEUE");
    }
    c.poller = {
        r.Integer("POLL_INTERVAL_MS", 10, 3'600'000),      r.Integer("POLL_BATCH_SIZE", 1, 10'000),
        r.Integer("POLL_PIPELINE_DEPTH", 1, 16),           r.Integer("PREPARE_BATCH_SIZE", 1, 10'000),
        r.Integer("QUEUED_LEASE_SECONDS", 10, 7 * 86'400), r.Integer("PUBLISH_CONFIRM_TIMEOUT_MS", 100, 600'000)};
    c.poller.schedule_max_lateness_seconds = r.Duration("SCHEDULE_MAX_LATENESS", 60, 365 * 86'400);
    c.poller.drain = r.OneOf("POLL_DRAIN", {"true", "false"}) == "true";

    ParseProviders(r, c);
    ParseConsumer(r, c);

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
    return c;
}

std::vector<std::pair<std::string, std::string>> RedactedSettings(const EnvVars& vars) {
    const Reader r(vars);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& spec : ConfigVariables()) {
        auto value = r.Text(spec.name);
        out.emplace_back(spec.name, spec.secret && !value.empty() ? "***" : value);
    }
    return out;
}

}  // namespace bulkmsg::domain
