#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace bulkmsg::domain {

/// A configuration value that cannot be used. `variable` names the offending environment variable.
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string variable, const std::string& problem);
    const std::string& Variable() const { return variable_; }

private:
    std::string variable_;
};

struct DatabaseConfig {
    std::string host;
    std::uint16_t port = 0;
    std::string username;
    std::string password;
    std::string name;
};

/// One RabbitMQ AMQP listener.
struct BrokerEndpoint {
    std::string host;
    std::uint16_t port = 0;
    /// "host:port", as metrics, logs and /ready name it.
    std::string Name() const { return host + ":" + std::to_string(port); }
    bool operator==(const BrokerEndpoint&) const = default;
};

/// Parses RABBITMQ_HOSTS: comma-separated host:port entries (spaces around entries ignored), at least one, no
/// duplicates. Throws ConfigError naming `variable` and the bad entry.
std::vector<BrokerEndpoint> ParseBrokerEndpoints(const std::string& variable, const std::string& list);

struct RabbitConfig {
    // RABBITMQ_HOSTS, or the single RABBITMQ_HOST:RABBITMQ_PORT; never empty. Connections try them in order.
    std::vector<BrokerEndpoint> endpoints;
    std::string user;
    std::string password;
    std::string vhost;
};

struct RedisConfig {
    std::string host;
    std::uint16_t port = 0;
    std::string password;
};

struct EmailConfig {
    std::string provider;  // sendgrid | log | simulator
    std::string api_key;
    std::string from;
    std::string from_name;
    std::string base_url;  // SENDGRID_BASE_URL, or PROVIDER_SIMULATOR_URL when provider is simulator
};

struct SmsConfig {
    std::string provider;  // twilio | log | simulator
    std::string account_sid;
    std::string auth_token;
    std::string sender_id;
    std::string messaging_service_sid;
    std::string status_callback_url;
    std::string base_url;  // TWILIO_BASE_URL, or PROVIDER_SIMULATOR_URL when provider is simulator
};

/// Push goes to FCM, APNs, or (simulator) both: 64-hex-digit tokens to APNs, the others to FCM.
struct PushConfig {
    std::string provider;  // fcm | apns | log | simulator
    std::string fcm_credentials_file;
    std::string fcm_base_url;
    std::string fcm_token_url;  // empty: the service account's token_uri
    std::string apns_key_file;
    std::string apns_key_id;
    std::string apns_team_id;
    std::string apns_topic;
    std::string apns_base_url;  // APNS_BASE_URL, else the host of APNS_ENVIRONMENT
    std::uint32_t apns_expiration_seconds = 0;
    bool UsesFcm() const { return provider == "fcm" || provider == "simulator"; }
    bool UsesApns() const { return provider == "apns" || provider == "simulator"; }
};

/// What every provider client shares.
struct ProviderTransportConfig {
    std::uint32_t timeout_ms = 0;  // per request
    std::string ca_file;           // extra trust anchor for https; empty = the system's
};

struct QueueConfig {
    std::string queue;              // NOTIFICATION_QUEUE
    std::string dead_letter_queue;  // DEAD_LETTER_QUEUE
    std::string type;               // classic | quorum
};

struct PollerConfig {
    std::uint32_t poll_interval_ms = 0;
    std::uint32_t batch_size = 0;
    std::uint32_t pipeline_depth = 0;
    std::uint32_t prepare_batch_size = 0;  // targets rendered per outbox INSERT
    std::uint32_t queued_lease_seconds = 0;
    std::uint32_t confirm_timeout_ms = 0;
    std::uint32_t schedule_max_lateness_seconds = 0;  // older schedules wait for an explicit prepare
    bool drain = true;  // POLL_DRAIN: poll again at once after a full batch (false: the original's fixed pace)
    /// QUEUE_BATCH_SIZE: rows of one campaign and channel per queue message (1: one object per row, as the original;
    /// more: a JSON array). Consumers read it too, to size their basic.qos in messages.
    std::uint32_t queue_batch_size = 0;
};

/// The consumer workers (`bulkmsg consumer`, `bulkmsg all`).
struct ConsumerConfig {
    std::uint32_t workers = 0;        // CONSUMER_WORKERS: threads, each with its own channel
    std::uint32_t prefetch = 0;       // CONSUMER_PREFETCH: unacknowledged messages per worker
    std::uint32_t max_in_flight = 0;  // CONSUMER_MAX_IN_FLIGHT: provider requests per worker
    std::uint32_t max_attempts = 0;
    std::uint32_t retry_delay_seconds = 0;
    bool exponential_backoff = false;                    // RETRY_BACKOFF=exponential
    double email_rate = 0, sms_rate = 0, push_rate = 0;  // messages per second across all consumers; 0 = unlimited
    std::uint32_t sent_marker_ttl_seconds = 0;           // SENT_MARKER_TTL_SECONDS
    std::uint32_t shutdown_timeout_seconds = 0;          // SHUTDOWN_TIMEOUT_SECONDS
};

struct LogConfig {
    std::string level;   // trace | debug | info | warn | error | critical | off
    std::string format;  // json | text
};

struct TracingConfig {
    std::string otlp_endpoint;  // OTEL_EXPORTER_OTLP_ENDPOINT (base URL, spans go to /v1/traces); empty = no export
    std::string service_name;   // OTEL_SERVICE_NAME
};

/// The providers' feedback webhooks (the API process).
struct WebhookConfig {
    std::string sendgrid_public_key;    // SENDGRID_WEBHOOK_PUBLIC_KEY; empty = /webhooks/sendgrid off
    std::uint32_t max_age_seconds = 0;  // WEBHOOK_MAX_AGE_SECONDS: oldest SendGrid timestamp taken
    std::uint32_t body_limit_mb = 0;    // WEBHOOK_BODY_LIMIT_MB
};

/// One-click unsubscribe links (docs/compliance.md). The secret is required once PUBLIC_BASE_URL is set.
struct UnsubscribeConfig {
    std::string secret;           // UNSUBSCRIBE_SECRET: signs new tokens and verifies
    std::string previous_secret;  // UNSUBSCRIBE_SECRET_PREVIOUS: verifies only (rotation); empty = none
    std::string mailto;           // UNSUBSCRIBE_MAILTO: address also listed in List-Unsubscribe; empty = none
};

/// The effective configuration of every bulkmsg process, parsed once at start-up.
struct Config {
    DatabaseConfig db;
    RabbitConfig rabbitmq;
    RedisConfig redis;
    QueueConfig queues;
    PollerConfig poller;
    EmailConfig email;
    SmsConfig sms;
    PushConfig push;
    ProviderTransportConfig provider_transport;
    ConsumerConfig consumer;
    LogConfig log;
    TracingConfig tracing;
    WebhookConfig webhooks;
    std::string node_env;
    std::uint16_t api_port = 0;
    std::uint16_t metrics_port = 0;
    std::uint32_t api_body_limit_mb = 0;           // larger request bodies get 413
    std::uint32_t api_upload_limit_mb = 0;         // the same for target uploads, which are streamed
    std::uint32_t api_rate_limit_per_sec = 0;      // requests per second per API key (bursts of one second); 0 = off
    std::uint32_t api_max_concurrent_uploads = 0;  // target uploads streamed at once; more get 429
    // PUBLIC_BASE_URL without a trailing slash: the address the world reaches the API at (webhook signatures,
    // unsubscribe links); empty = not published
    std::string public_base_url;
    // a dashboard session ends after this many minutes without a request (and 7 days after login in any case)
    std::uint32_t session_idle_minutes = 0;
    UnsubscribeConfig unsubscribe;
};

using EnvVars = std::map<std::string, std::string>;

/// One documented configuration variable: its default and whether it holds a secret.
struct VariableSpec {
    std::string name;
    std::string default_value;
    bool secret = false;
};

/// Every variable bulkmsg reads, in documentation order. `.env.example` lists the same set.
const std::vector<VariableSpec>& ConfigVariables();

/// The default of a declared variable; std::logic_error when `name` is not in ConfigVariables.
const std::string& DefaultValue(const std::string& name);

/// Parses `vars` (unset variables take their defaults). Throws ConfigError naming the first bad variable.
Config ParseConfig(const EnvVars& vars);

/// With NODE_ENV=production, refuses the development passwords the defaults carry (DB_PASSWORD,
/// RABBITMQ_PASSWORD, REDIS_PASSWORD left at, or set to, their defaults): throws ConfigError naming the variable.
/// Other environments accept them, so the local stack runs without a .env.
void RequireProductionSecrets(const Config& config);

/// The effective value of every known variable, with secrets replaced by "***" when set.
std::vector<std::pair<std::string, std::string>> RedactedSettings(const EnvVars& vars);

}  // namespace bulkmsg::domain
