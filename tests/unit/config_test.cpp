#include "domain/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bulkmsg::domain {
namespace {

std::string ErrorVariable(const EnvVars& vars) {
    try {
        ParseConfig(vars);
    } catch (const ConfigError& e) {
        return e.Variable();
    }
    return "";
}

TEST(ConfigTest, DefaultsPointAtTheLocalStack) {
    auto config = ParseConfig({});
    EXPECT_EQ(config.db.host, "127.0.0.1");
    EXPECT_EQ(config.db.port, 13306);
    EXPECT_EQ(config.rabbitmq.endpoints, (std::vector<BrokerEndpoint>{{"127.0.0.1", 15673}}));
    EXPECT_EQ(config.redis.port, 16379);
    EXPECT_EQ(config.api_port, 3001);
    EXPECT_EQ(config.email.provider, "log");
    EXPECT_EQ(config.log.format, "json");
}

TEST(ConfigTest, SessionIdleMinutesDefaultsTo720AndIsBounded) {
    EXPECT_EQ(ParseConfig({}).session_idle_minutes, 720u);
    EXPECT_EQ(ParseConfig({{"SESSION_IDLE_MINUTES", "30"}}).session_idle_minutes, 30u);
    EXPECT_EQ(ErrorVariable({{"SESSION_IDLE_MINUTES", "0"}}), "SESSION_IDLE_MINUTES");
    EXPECT_EQ(ErrorVariable({{"SESSION_IDLE_MINUTES", "10081"}}), "SESSION_IDLE_MINUTES");
    EXPECT_EQ(ErrorVariable({{"SESSION_IDLE_MINUTES", "soon"}}), "SESSION_IDLE_MINUTES");
}

TEST(ConfigTest, ReadsTheOriginalVariableNames) {
    auto config = ParseConfig({{"DB_HOST", "db.internal"},
                               {"DB_PORT", "3306"},
                               {"DB_USERNAME", "root"},
                               {"DB_PASSWORD", "password"},
                               {"DB_NAME", "central_hub"},
                               {"RABBITMQ_PORT", "5672"},
                               {"REDIS_PORT", "6379"},
                               {"EMAIL_PROVIDER", "sendgrid"},
                               {"EMAIL_API_KEY", "SG.x"},
                               {"SMS_PROVIDER", "twilio"},
                               {"SMS_ACCOUNT_SID", "AC1"},
                               {"SMS_AUTH_TOKEN", "tok"},
                               {"NODE_ENV", "production"},
                               {"EXPRESS_APP_PORT", "8080"}});
    EXPECT_EQ(config.db.host, "db.internal");
    EXPECT_EQ(config.db.port, 3306);
    EXPECT_EQ(config.db.username, "root");
    EXPECT_EQ(config.db.name, "central_hub");
    EXPECT_EQ(config.rabbitmq.endpoints.at(0).port, 5672);
    EXPECT_EQ(config.redis.port, 6379);
    EXPECT_EQ(config.email.api_key, "SG.x");
    EXPECT_EQ(config.sms.account_sid, "AC1");
    EXPECT_EQ(config.node_env, "production");
    EXPECT_EQ(config.api_port, 8080);
}

TEST(ConfigTest, RejectsBadPortsNamingTheVariable) {
    EXPECT_EQ(ErrorVariable({{"DB_PORT", "abc"}}), "DB_PORT");
    EXPECT_EQ(ErrorVariable({{"REDIS_PORT", "0"}}), "REDIS_PORT");
    EXPECT_EQ(ErrorVariable({{"RABBITMQ_PORT", "65536"}}), "RABBITMQ_PORT");
    EXPECT_EQ(ErrorVariable({{"EXPRESS_APP_PORT", "80x"}}), "EXPRESS_APP_PORT");
    EXPECT_EQ(ErrorVariable({{"METRICS_PORT", ""}}), "METRICS_PORT");
}

TEST(ConfigTest, ErrorMessageNamesVariableAndValue) {
    try {
        ParseConfig({{"DB_PORT", "abc"}});
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "DB_PORT: must be a port number between 1 and 65535, got 'abc'");
    }
}

TEST(ConfigTest, ApiUploadsRunTwoAtOnceByDefaultAndTheLimitIsBounded) {
    EXPECT_EQ(ParseConfig({}).api_max_concurrent_uploads, 2u);
    EXPECT_EQ(ParseConfig({{"API_MAX_CONCURRENT_UPLOADS", "64"}}).api_max_concurrent_uploads, 64u);
    EXPECT_EQ(ErrorVariable({{"API_MAX_CONCURRENT_UPLOADS", "0"}}), "API_MAX_CONCURRENT_UPLOADS");
    EXPECT_EQ(ErrorVariable({{"API_MAX_CONCURRENT_UPLOADS", "65"}}), "API_MAX_CONCURRENT_UPLOADS");
}

TEST(ConfigTest, WebhookSettingsAndTheTwilioStatusCallbackFollowThePublicUrl) {
    const auto defaults = ParseConfig({});
    EXPECT_EQ(defaults.webhooks.sendgrid_public_key, "");
    EXPECT_EQ(defaults.webhooks.max_age_seconds, 600u);
    EXPECT_EQ(defaults.webhooks.body_limit_mb, 8u);
    EXPECT_EQ(defaults.sms.status_callback_url, "");
    const EnvVars base = {{"PUBLIC_BASE_URL", "https://bulkmsg.example"},
                          {"UNSUBSCRIBE_SECRET", "unsubscribe-secret-0123456789"}};
    const auto published = ParseConfig(base);
    EXPECT_EQ(published.sms.status_callback_url, "https://bulkmsg.example/webhooks/twilio/status");
    auto with_override = base;
    with_override["SMS_STATUS_CALLBACK_URL"] = "https://other.example/cb";
    const auto overridden = ParseConfig(with_override);
    EXPECT_EQ(overridden.sms.status_callback_url, "https://other.example/cb");
    EXPECT_EQ(ErrorVariable({{"WEBHOOK_MAX_AGE_SECONDS", "0"}}), "WEBHOOK_MAX_AGE_SECONDS");
    EXPECT_EQ(ErrorVariable({{"WEBHOOK_BODY_LIMIT_MB", "2000"}}), "WEBHOOK_BODY_LIMIT_MB");
}

TEST(ConfigTest, RejectsUnknownProvidersAndLevels) {
    EXPECT_EQ(ErrorVariable({{"EMAIL_PROVIDER", "mailgun"}}), "EMAIL_PROVIDER");
    EXPECT_EQ(ErrorVariable({{"SMS_PROVIDER", "nexmo"}}), "SMS_PROVIDER");
    EXPECT_EQ(ErrorVariable({{"LOG_LEVEL", "verbose"}}), "LOG_LEVEL");
    EXPECT_EQ(ErrorVariable({{"LOG_FORMAT", "xml"}}), "LOG_FORMAT");
    EXPECT_EQ(ErrorVariable({{"NODE_ENV", "staging"}}), "NODE_ENV");
}

TEST(ConfigTest, RealProvidersNeedTheirCredentials) {
    EXPECT_EQ(ErrorVariable({{"EMAIL_PROVIDER", "sendgrid"}}), "EMAIL_API_KEY");
    EXPECT_EQ(ErrorVariable({{"SMS_PROVIDER", "twilio"}, {"SMS_ACCOUNT_SID", "AC1"}}), "SMS_AUTH_TOKEN");
    EXPECT_EQ(ErrorVariable({{"SMS_PROVIDER", "twilio"}, {"SMS_AUTH_TOKEN", "t"}}), "SMS_ACCOUNT_SID");
    // The simulator checks credentials like the real services, so the clients need them there too.
    EXPECT_EQ(ErrorVariable({{"EMAIL_PROVIDER", "simulator"}}), "EMAIL_API_KEY");
    EXPECT_EQ(ErrorVariable({{"EMAIL_PROVIDER", "simulator"}, {"EMAIL_API_KEY", "SG.x"}}), "");
    EXPECT_EQ(ErrorVariable({{"PUSH_PROVIDER", "fcm"}}), "FCM_CREDENTIALS_FILE");
    EXPECT_EQ(ErrorVariable(
                  {{"PUSH_PROVIDER", "apns"}, {"APNS_KEY_FILE", "k.p8"}, {"APNS_KEY_ID", "K"}, {"APNS_TEAM_ID", "T"}}),
              "APNS_TOPIC");
    EXPECT_EQ(ErrorVariable({{"PUSH_PROVIDER", "simulator"},
                             {"APNS_KEY_FILE", "k.p8"},
                             {"APNS_KEY_ID", "K"},
                             {"APNS_TEAM_ID", "T"},
                             {"APNS_TOPIC", "t"}}),
              "FCM_CREDENTIALS_FILE");
    EXPECT_EQ(ErrorVariable({{"PUSH_PROVIDER", "pushy"}}), "PUSH_PROVIDER");
}

TEST(ConfigTest, ProviderUrlsFollowTheChosenProvider) {
    auto real = ParseConfig({{"APNS_ENVIRONMENT", "sandbox"}, {"TWILIO_BASE_URL", "http://127.0.0.1:9/"}});
    EXPECT_EQ(real.email.base_url, "https://api.sendgrid.com");
    EXPECT_EQ(real.sms.base_url, "http://127.0.0.1:9");
    EXPECT_EQ(real.push.fcm_base_url, "https://fcm.googleapis.com");
    EXPECT_EQ(real.push.fcm_token_url, "");
    EXPECT_EQ(real.push.apns_base_url, "https://api.sandbox.push.apple.com");
    EXPECT_EQ(ParseConfig({}).push.apns_base_url, "https://api.push.apple.com");
    EXPECT_EQ(ParseConfig({}).provider_transport.timeout_ms, 10'000u);

    auto sim = ParseConfig({{"EMAIL_PROVIDER", "simulator"},
                            {"EMAIL_API_KEY", "SG.x"},
                            {"PUSH_PROVIDER", "simulator"},
                            {"FCM_CREDENTIALS_FILE", "sa.json"},
                            {"APNS_KEY_FILE", "k.p8"},
                            {"APNS_KEY_ID", "K"},
                            {"APNS_TEAM_ID", "T"},
                            {"APNS_TOPIC", "t"},
                            {"PROVIDER_SIMULATOR_URL", "http://127.0.0.1:4999"}});
    EXPECT_EQ(sim.email.base_url, "http://127.0.0.1:4999");
    EXPECT_EQ(sim.sms.base_url, "https://api.twilio.com");  // SMS_PROVIDER stays log
    EXPECT_EQ(sim.push.fcm_base_url, "http://127.0.0.1:4999");
    EXPECT_EQ(sim.push.fcm_token_url, "http://127.0.0.1:4999/token");
    EXPECT_EQ(sim.push.apns_base_url, "https://127.0.0.1:4011");
    EXPECT_TRUE(sim.push.UsesFcm());
    EXPECT_TRUE(sim.push.UsesApns());

    EXPECT_EQ(ErrorVariable({{"SENDGRID_BASE_URL", "api.sendgrid.com"}}), "SENDGRID_BASE_URL");
    EXPECT_EQ(ErrorVariable({{"SMS_STATUS_CALLBACK_URL", "ftp://x/y"}}), "SMS_STATUS_CALLBACK_URL");
    EXPECT_EQ(ErrorVariable({{"PROVIDER_TIMEOUT_MS", "5"}}), "PROVIDER_TIMEOUT_MS");
    EXPECT_EQ(ErrorVariable({{"APNS_ENVIRONMENT", "dev"}}), "APNS_ENVIRONMENT");
}

TEST(ConfigTest, RequiredTextMustNotBeEmpty) {
    EXPECT_EQ(ErrorVariable({{"DB_HOST", ""}}), "DB_HOST");
    EXPECT_EQ(ErrorVariable({{"DB_NAME", ""}}), "DB_NAME");
    EXPECT_EQ(ErrorVariable({{"RABBITMQ_VHOST", ""}}), "RABBITMQ_VHOST");
}

TEST(ConfigTest, UnsubscribeSecretIsRequiredOnceLinksArePublished) {
    EXPECT_EQ(ErrorVariable({{"PUBLIC_BASE_URL", "https://api.example.org"}}), "UNSUBSCRIBE_SECRET");
    EXPECT_EQ(ErrorVariable({{"PUBLIC_BASE_URL", "https://api.example.org"}, {"UNSUBSCRIBE_SECRET", "short"}}),
              "UNSUBSCRIBE_SECRET");
    EXPECT_EQ(ErrorVariable({{"UNSUBSCRIBE_SECRET_PREVIOUS", "short"}}), "UNSUBSCRIBE_SECRET_PREVIOUS");
    EXPECT_EQ(ErrorVariable({{"UNSUBSCRIBE_MAILTO", "not-an-address"}}), "UNSUBSCRIBE_MAILTO");
    const auto config = ParseConfig({{"PUBLIC_BASE_URL", "https://api.example.org"},
                                     {"UNSUBSCRIBE_SECRET", "0123456789abcdef"},
                                     {"UNSUBSCRIBE_SECRET_PREVIOUS", "fedcba9876543210"},
                                     {"UNSUBSCRIBE_MAILTO", "unsubscribe@example.org"}});
    EXPECT_EQ(config.unsubscribe.secret, "0123456789abcdef");
    EXPECT_EQ(config.unsubscribe.previous_secret, "fedcba9876543210");
    EXPECT_EQ(config.unsubscribe.mailto, "unsubscribe@example.org");
    EXPECT_EQ(ParseConfig({}).unsubscribe.secret, "");
}

TEST(ConfigTest, RedactsSecretsButShowsEverythingElse) {
    auto settings = RedactedSettings({{"DB_PASSWORD", "hunter2"}, {"EMAIL_API_KEY", ""}, {"DB_USERNAME", "app"}});
    std::map<std::string, std::string> by_name(settings.begin(), settings.end());
    EXPECT_EQ(by_name["DB_PASSWORD"], "***");
    EXPECT_EQ(by_name["REDIS_PASSWORD"], "***");
    EXPECT_EQ(by_name["EMAIL_API_KEY"], "");
    EXPECT_EQ(by_name["DB_USERNAME"], "app");
    EXPECT_EQ(settings.size(), ConfigVariables().size());
    for (const auto& [name, value] : settings) {
        EXPECT_EQ(value.find("hunter2"), std::string::npos) << name;
    }
}

TEST(ConfigTest, PollerAndQueueSettingsHaveTheOriginalDefaults) {
    auto config = ParseConfig({});
    EXPECT_EQ(config.queues.queue, "notification.queue");
    EXPECT_EQ(config.queues.dead_letter_queue, "failed_messages");
    EXPECT_EQ(config.queues.type, "classic");
    EXPECT_EQ(config.poller.poll_interval_ms, 5000u);
    EXPECT_EQ(config.poller.batch_size, 1000u);
    EXPECT_EQ(config.poller.queued_lease_seconds, 900u);
    EXPECT_EQ(config.poller.queue_batch_size, 100u);
    EXPECT_EQ(ParseConfig({{"QUEUE_BATCH_SIZE", "1"}}).poller.queue_batch_size, 1u);
    EXPECT_TRUE(config.poller.drain);
    EXPECT_FALSE(ParseConfig({{"POLL_DRAIN", "false"}}).poller.drain);
}

TEST(ConfigTest, RejectsBadPollerAndQueueSettingsNamingTheVariable) {
    EXPECT_EQ(ErrorVariable({{"POLL_INTERVAL_MS", "fast"}}), "POLL_INTERVAL_MS");
    EXPECT_EQ(ErrorVariable({{"POLL_BATCH_SIZE", "0"}}), "POLL_BATCH_SIZE");
    EXPECT_EQ(ErrorVariable({{"POLL_DRAIN", "yes"}}), "POLL_DRAIN");
    EXPECT_EQ(ErrorVariable({{"POLL_BATCH_SIZE", "10001"}}), "POLL_BATCH_SIZE");
    EXPECT_EQ(ErrorVariable({{"QUEUE_BATCH_SIZE", "0"}}), "QUEUE_BATCH_SIZE");
    EXPECT_EQ(ErrorVariable({{"QUEUE_BATCH_SIZE", "1001"}}), "QUEUE_BATCH_SIZE");
    EXPECT_EQ(ErrorVariable({{"QUEUE_BATCH_SIZE", "many"}}), "QUEUE_BATCH_SIZE");
    EXPECT_EQ(ErrorVariable({{"QUEUED_LEASE_SECONDS", "-5"}}), "QUEUED_LEASE_SECONDS");
    // A lease shorter than a claimed message's wait plus its provider call would republish rows still being sent.
    EXPECT_EQ(ErrorVariable({{"QUEUED_LEASE_SECONDS", "20"}}), "QUEUED_LEASE_SECONDS");  // default timeout 10 s
    EXPECT_EQ(
        ParseConfig({{"QUEUED_LEASE_SECONDS", "20"}, {"PROVIDER_TIMEOUT_MS", "5000"}}).poller.queued_lease_seconds,
        20u);
    EXPECT_EQ(ErrorVariable({{"RABBITMQ_QUEUE_TYPE", "stream"}}), "RABBITMQ_QUEUE_TYPE");
    EXPECT_EQ(ErrorVariable({{"SCHEDULE_MAX_LATENESS", "soon"}}), "SCHEDULE_MAX_LATENESS");
    EXPECT_EQ(ErrorVariable({{"SCHEDULE_MAX_LATENESS", "10s"}}), "SCHEDULE_MAX_LATENESS");
    EXPECT_EQ(ErrorVariable({{"SCHEDULE_MAX_LATENESS", "24x"}}), "SCHEDULE_MAX_LATENESS");
    EXPECT_EQ(ParseConfig({{"SCHEDULE_MAX_LATENESS", "90m"}}).poller.schedule_max_lateness_seconds, 5400u);
    EXPECT_EQ(ParseConfig({{"SCHEDULE_MAX_LATENESS", "7200"}}).poller.schedule_max_lateness_seconds, 7200u);
    EXPECT_EQ(ParseConfig({}).poller.schedule_max_lateness_seconds, 86400u);
    EXPECT_EQ(ErrorVariable({{"DEAD_LETTER_QUEUE", "notification.queue"}}), "DEAD_LETTER_QUEUE");
    EXPECT_EQ(ParseConfig({{"RABBITMQ_QUEUE_TYPE", "quorum"}}).queues.type, "quorum");
}

std::string ProductionSecretError(EnvVars vars) {
    vars.emplace("NODE_ENV", "production");
    try {
        RequireProductionSecrets(ParseConfig(vars));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

const EnvVars kOwnPasswords = {
    {"DB_PASSWORD", "db-secret"}, {"RABBITMQ_PASSWORD", "broker-secret"}, {"REDIS_PASSWORD", "cache-secret"}};

TEST(ConfigTest, ProductionRefusesEachDevelopmentPasswordNamingTheVariable) {
    EXPECT_EQ(ProductionSecretError({}),
              "DB_PASSWORD: is the development default password; NODE_ENV=production needs its own");
    for (const char* name : {"DB_PASSWORD", "RABBITMQ_PASSWORD", "REDIS_PASSWORD"}) {
        auto vars = kOwnPasswords;
        vars.erase(name);  // left at its default
        EXPECT_THAT(ProductionSecretError(vars), ::testing::StartsWith(std::string(name) + ": ")) << name;
        vars[name] = DefaultValue(name);  // or set to the development value explicitly
        EXPECT_THAT(ProductionSecretError(vars), ::testing::StartsWith(std::string(name) + ": ")) << name;
    }
}

TEST(ConfigTest, ProductionAcceptsPasswordsOfItsOwnAndOtherEnvironmentsTheDefaults) {
    EXPECT_EQ(ProductionSecretError(kOwnPasswords), "");
    for (const char* env : {"development", "test"}) {
        EXPECT_NO_THROW(RequireProductionSecrets(ParseConfig({{"NODE_ENV", env}}))) << env;
    }
}

TEST(ConfigTest, DefaultValueIsTheDeclaredDefault) {
    EXPECT_EQ(DefaultValue("DB_PASSWORD"), "bulkmsg-dev-password");
    EXPECT_EQ(DefaultValue("EXPRESS_APP_PORT"), "3001");
    EXPECT_THROW(DefaultValue("NO_SUCH_VARIABLE"), std::logic_error);
}

}  // namespace
}  // namespace bulkmsg::domain
