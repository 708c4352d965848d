#include "domain/config.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace bulkmsg::domain {

namespace {

// MySQL, RabbitMQ (with the queue names) and Redis.
std::vector<VariableSpec> ConnectionVariables() {
    return {
        {"DB_HOST", "127.0.0.1"},
        {"DB_PORT", "13306"},
        {"DB_USERNAME", "bulkmsg"},
        {"DB_PASSWORD", "bulkmsg-dev-password", true},
        {"DB_NAME", "bulkmsg"},
        {"RABBITMQ_HOST", "127.0.0.1"},
        {"RABBITMQ_PORT", "15673"},
        {"RABBITMQ_HOSTS", ""},
        {"RABBITMQ_USER", "bulkmsg"},
        {"RABBITMQ_PASSWORD", "bulkmsg-dev-password", true},
        {"RABBITMQ_VHOST", "bulkmsg"},
        {"RABBITMQ_QUEUE_TYPE", "classic"},
        {"NOTIFICATION_QUEUE", "notification.queue"},
        {"DEAD_LETTER_QUEUE", "failed_messages"},
        {"REDIS_HOST", "127.0.0.1"},
        {"REDIS_PORT", "16379"},
        {"REDIS_PASSWORD", "bulkmsg-dev-password", true},
    };
}

// The email, SMS and push providers, their endpoints and transport.
std::vector<VariableSpec> ProviderVariables() {
    return {
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
    };
}

// The environment and the HTTP API.
std::vector<VariableSpec> ServiceVariables() {
    return {
        {"NODE_ENV", "development"},
        {"EXPRESS_APP_PORT", "3001"},
        {"METRICS_PORT", "9464"},
        {"API_BODY_LIMIT_MB", "32"},
        {"API_UPLOAD_LIMIT_MB", "2048"},
        {"API_MAX_CONCURRENT_UPLOADS", "2"},
        {"API_RATE_LIMIT_PER_SEC", "100"},
        {"PUBLIC_BASE_URL", ""},
        {"SENDGRID_WEBHOOK_PUBLIC_KEY", ""},
        {"WEBHOOK_MAX_AGE_SECONDS", "600"},
        {"WEBHOOK_BODY_LIMIT_MB", "8"},
        {"UNSUBSCRIBE_SECRET", "", true},
        {"UNSUBSCRIBE_SECRET_PREVIOUS", "", true},
        {"UNSUBSCRIBE_MAILTO", ""},
        {"SESSION_IDLE_MINUTES", "720"},
    };
}

// The poller and its scheduler.
std::vector<VariableSpec> PollerVariables() {
    return {
        {"POLL_INTERVAL_MS", "5000"},    {"POLL_BATCH_SIZE", "1000"},
        {"POLL_PIPELINE_DEPTH", "4"},    {"POLL_DRAIN", "true"},
        {"PREPARE_BATCH_SIZE", "1000"},  {"SCHEDULE_MAX_LATENESS", "24h"},
        {"QUEUED_LEASE_SECONDS", "900"}, {"PUBLISH_CONFIRM_TIMEOUT_MS", "10000"},
        {"QUEUE_BATCH_SIZE", "100"},
    };
}

// The consumers: workers, retries, rates, sent markers, shutdown.
std::vector<VariableSpec> ConsumerVariables() {
    return {
        {"CONSUMER_WORKERS", "3"},          {"CONSUMER_PREFETCH", "200"},
        {"CONSUMER_MAX_IN_FLIGHT", "256"},  {"MAX_ATTEMPTS", "3"},
        {"RETRY_DELAY_SECONDS", "300"},     {"RETRY_BACKOFF", "fixed"},
        {"EMAIL_RATE_PER_SEC", "0"},        {"SMS_RATE_PER_SEC", "0"},
        {"PUSH_RATE_PER_SEC", "0"},         {"SENT_MARKER_TTL_SECONDS", "604800"},
        {"SHUTDOWN_TIMEOUT_SECONDS", "10"},
    };
}

// Logging and tracing.
std::vector<VariableSpec> ObservabilityVariables() {
    return {
        {"LOG_LEVEL", "info"},
        {"LOG_FORMAT", "json"},
        {"OTEL_EXPORTER_OTLP_ENDPOINT", ""},
        {"OTEL_SERVICE_NAME", "bulkmsg"},
    };
}

}  // namespace

const std::vector<VariableSpec>& ConfigVariables() {
    // By section, in documentation order (the order of .env.example).
    static const std::vector<VariableSpec> specs = [] {
        std::vector<VariableSpec> all;
        for (auto section : {ConnectionVariables(), ProviderVariables(), ServiceVariables(), PollerVariables(),
                             ConsumerVariables(), ObservabilityVariables()}) {
            std::move(section.begin(), section.end(), std::back_inserter(all));
        }
        return all;
    }();
    return specs;
}

const std::string& DefaultValue(const std::string& name) {
    const auto& specs = ConfigVariables();
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const VariableSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
        throw std::logic_error("configuration variable not declared: " + name);
    }
    return spec->default_value;
}

}  // namespace bulkmsg::domain
