// The real provider clients (libcurl, JWTs, OAuth2) against bulkmsg-provider-sim on loopback.
#include <gtest/gtest.h>

#include <regex>

#include "app/clock.hpp"
#include "cli/provider_wiring.hpp"
#include "domain/message_renderer.hpp"
#include "domain/providers/apns_protocol.hpp"
#include "support/provider_sim.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg {
namespace {

using domain::SendOutcome;
using domain::SendResult;

domain::OutboundMessage Email(std::uint64_t id, const std::string& to) {
    domain::OutboundMessage m;
    m.outbox_id = id;
    m.campaign_id = 1;
    m.idempotency_key = "key-email-" + std::to_string(id);
    m.kind = domain::Channel::kEmail;
    m.user_ref = to;
    m.payload = {{"to", to}, {"from", "news@example.com"}, {"subject", "Hello"}, {"text", "Hi"}, {"html", "<p>Hi</p>"}};
    return m;
}

domain::OutboundMessage Sms(std::uint64_t id, const std::string& to) {
    auto m = Email(id, to);
    m.idempotency_key = "key-sms-" + std::to_string(id);
    m.kind = domain::Channel::kSms;
    m.payload = {{"to", to}, {"from", "+15005550006"}, {"body", "Hi there"}};
    return m;
}

domain::OutboundMessage Push(std::uint64_t id, const std::string& token) {
    auto m = Email(id, token);
    m.idempotency_key = "key-push-" + std::to_string(id) + "-" + token.substr(0, 4);
    m.kind = domain::Channel::kPush;
    m.payload = {{"token", token}, {"title", "Hello"}, {"body", "Hi"}, {"data", {{"campaign", "1"}}}};
    return m;
}

std::string FcmToken(std::uint64_t id) {
    return "fcm-token-" + std::to_string(id) + "-" + std::string(40, 'x');
}

std::string ApnsToken(const std::string& prefix = "") {
    static int n = 0;
    auto hex = prefix + std::to_string(++n);
    return hex + std::string(64 - hex.size(), 'a');
}

class ProviderClientsTest : public ::testing::Test {
protected:
    explicit ProviderClientsTest(const std::vector<std::string>& sim_args = {}) : sim_(sim_args) {}

    /// Sends every message through fresh clients configured by `overrides` on top of the simulator's env and
    /// polls until all have an outcome (in input order).
    std::vector<SendResult> SendAll(const std::vector<domain::OutboundMessage>& messages,
                                    const domain::EnvVars& overrides = {}) {
        auto env = sim_.ClientEnv();
        for (const auto& [k, v] : overrides) {
            env[k] = v;
        }
        const auto config = domain::ParseConfig(env);
        auto providers = cli::BuildWorkerProviders(config, clock_);
        std::vector<SendResult> results(messages.size());
        std::size_t done = 0;
        for (std::size_t i = 0; i < messages.size(); ++i) {
            providers.router->For(messages[i]).Send(messages[i], [&, i](SendResult r) {
                results[i] = std::move(r);
                ++done;
            });
            max_in_flight_ = std::max(max_in_flight_, providers.transport->InFlight());
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (done < messages.size() && std::chrono::steady_clock::now() < deadline) {
            providers.transport->Poll(std::chrono::milliseconds(50));
        }
        EXPECT_EQ(done, messages.size()) << "not every send finished";
        return results;
    }

    testing::ProviderSimProcess sim_;
    app::SystemClock clock_;
    std::size_t max_in_flight_ = 0;
};

// A simulator started with --require-unsubscribe (the mailbox providers' bulk-sender rule) accepts the marketing
// mail bulkmsg prepares and refuses mail without the RFC 8058 headers.
class RequireUnsubscribeTest : public ProviderClientsTest {
protected:
    RequireUnsubscribeTest() : ProviderClientsTest({"--require-unsubscribe"}) {}
};

TEST_F(RequireUnsubscribeTest, PreparedMarketingMailPassesAndMailWithoutTheHeadersIsRefused) {
    domain::CampaignContent campaign;
    campaign.id = 1;
    campaign.subject = "Sale";
    campaign.text = "Unsubscribe: {{unsubscribe_url}}";
    domain::MessageRenderer renderer(campaign, {"news@example.com", "+15005550006"},
                                     {"https://api.example.org", {"unsubscribe-secret-0123456789", ""}, ""});
    auto marketing = Email(1, "ana@example.com");
    marketing.payload = nlohmann::json::parse(renderer.Payload({"ana@example.com", domain::Channel::kEmail}, 7));
    const auto results = SendAll({marketing, Email(2, "bo@example.com")});
    EXPECT_EQ(results[0].outcome, SendOutcome::kSent) << results[0].reason;
    EXPECT_EQ(results[1].outcome, SendOutcome::kPermanent);
    EXPECT_NE(results[1].reason.find("personalizations.0.headers"), std::string::npos) << results[1].reason;
    EXPECT_EQ(sim_.Stats()["providers"]["sendgrid"]["accepted"], 1);
}

TEST_F(ProviderClientsTest, EveryClientDeliversAndTheSimulatorSeesEachKeyOnce) {
    const auto apns = Push(4, ApnsToken());
    const auto results = SendAll({Email(1, "ana@example.com"), Sms(2, "+14155552345"), Push(3, FcmToken(3)), apns});
    for (const auto& r : results) {
        EXPECT_EQ(r.outcome, SendOutcome::kSent) << r.reason;
    }
    EXPECT_TRUE(std::regex_match(results[0].provider_message_id, std::regex("[A-Za-z0-9]{22}")))
        << results[0].provider_message_id;
    EXPECT_TRUE(std::regex_match(results[1].provider_message_id, std::regex("SM[0-9a-f]{32}")));
    EXPECT_TRUE(std::regex_match(results[2].provider_message_id, std::regex("projects/bulkmsg-sim/messages/0:.+")));
    EXPECT_EQ(results[3].provider_message_id, domain::ApnsIdFor(apns.idempotency_key))
        << "apns-id is derived from the idempotency key";

    const auto stats = sim_.Stats(true);
    for (const auto* provider : {"sendgrid", "twilio", "fcm", "apns"}) {
        EXPECT_EQ(stats["providers"][provider]["accepted"], 1) << provider;
    }
    EXPECT_EQ(stats["distinct_keys"], 4);
    EXPECT_EQ(stats["duplicates"], 0);
    EXPECT_EQ(stats["keys"]["key-email-1"], 1);
    // The APNs port speaks only HTTP/2 over TLS: an accepted APNs message proves the client negotiated h2.
    EXPECT_EQ(stats["http2_connections"], 1);
}

TEST_F(ProviderClientsTest, ManyRequestsInFlightShareConnectionsAndAllArrive) {
    std::vector<domain::OutboundMessage> messages;
    for (std::uint64_t i = 0; i < 200; ++i) {
        messages.push_back(i % 2 == 0 ? Push(i, ApnsToken()) : Email(i, "user" + std::to_string(i) + "@example.com"));
    }
    const auto results = SendAll(messages);
    EXPECT_EQ(std::count_if(results.begin(), results.end(),
                            [](const SendResult& r) { return r.outcome == SendOutcome::kSent; }),
              200);
    EXPECT_EQ(max_in_flight_, 200u);
    const auto stats = sim_.Stats();
    EXPECT_EQ(stats["providers"]["apns"]["accepted"], 100);
    EXPECT_EQ(stats["providers"]["sendgrid"]["accepted"], 100);
    EXPECT_EQ(stats["duplicates"], 0);
    EXPECT_EQ(stats["http2_connections"], 1) << "100 APNs streams multiplexed on one connection";
}

TEST_F(ProviderClientsTest, PermanentRecipientErrorsAreClassifiedAndMarkedForSuppression) {
    const auto results = SendAll({Email(1, "invalid-user@example.com"), Sms(2, "+15005550004"), Sms(3, "+15005550001"),
                                  Push(4, "unregistered-" + FcmToken(4)), Push(5, "invalid-" + FcmToken(5)),
                                  Push(6, ApnsToken("dead")), Push(7, ApnsToken("bad"))});
    for (const auto& r : results) {
        EXPECT_EQ(r.outcome, SendOutcome::kPermanent) << r.reason;
        EXPECT_FALSE(r.config_error) << r.reason;
    }
    EXPECT_EQ(results[0].reason, "sendgrid 400 personalizations.0.to.0.email: Does not contain a valid address.");
    EXPECT_EQ(results[1].reason, "twilio 400 21610: Attempt to send to unsubscribed recipient");
    EXPECT_TRUE(results[1].suppress_recipient);
    EXPECT_FALSE(results[2].suppress_recipient) << "an invalid number is not an opt-out";
    EXPECT_EQ(results[3].reason, "fcm 404 UNREGISTERED: Requested entity was not found.");
    EXPECT_TRUE(results[3].suppress_recipient);
    EXPECT_TRUE(results[4].suppress_recipient);
    EXPECT_EQ(results[5].reason, "apns 410 Unregistered");
    EXPECT_TRUE(results[5].suppress_recipient);
    EXPECT_EQ(results[6].reason, "apns 400 BadDeviceToken");
    EXPECT_EQ(sim_.Stats()["accepted"], 0);
}

TEST_F(ProviderClientsTest, TransientErrorsAndRateLimitsAreRetryableWithTheProvidersWait) {
    sim_.SetFaults({{"error_rate", 1.0}});
    auto transient =
        SendAll({Email(1, "a@example.com"), Sms(2, "+14155552345"), Push(3, FcmToken(3)), Push(4, ApnsToken())});
    EXPECT_EQ(transient[0].reason, "sendgrid 500 internal server error");
    EXPECT_EQ(transient[1].reason, "twilio 500 20500: An internal server error has occurred");
    EXPECT_EQ(transient[2].reason, "fcm 503 UNAVAILABLE: The service is currently unavailable.");
    EXPECT_EQ(transient[2].retry_after, std::chrono::seconds(1));
    EXPECT_EQ(transient[3].reason, "apns 503 ServiceUnavailable");
    for (const auto& r : transient) {
        EXPECT_EQ(r.outcome, SendOutcome::kRetryable) << r.reason;
    }

    sim_.SetFaults({{"error_rate", 0.0}, {"rate_limit_burst", 4}, {"retry_after_seconds", 30}});
    auto limited =
        SendAll({Email(5, "a@example.com"), Sms(6, "+14155552345"), Push(7, FcmToken(7)), Push(8, ApnsToken())});
    for (const auto& r : limited) {
        EXPECT_EQ(r.outcome, SendOutcome::kRateLimited) << r.reason;
        EXPECT_GE(r.retry_after, std::chrono::seconds(29)) << r.reason;  // SendGrid's reset is a whole second
        EXPECT_LE(r.retry_after, std::chrono::seconds(30)) << r.reason;
    }
    EXPECT_EQ(limited[1].reason, "twilio 429 20429: Too Many Requests");
    EXPECT_EQ(limited[2].reason, "fcm 429 QUOTA_EXCEEDED: Quota exceeded.");
    EXPECT_EQ(sim_.Stats()["accepted"], 0);
}

TEST_F(ProviderClientsTest, DroppedConnectionsAndTimeoutsAreRetryable) {
    sim_.SetFaults({{"drop_rate", 1.0}});
    for (const auto& r : SendAll({Email(1, "a@example.com"), Push(2, ApnsToken())})) {
        EXPECT_EQ(r.outcome, SendOutcome::kRetryable) << r.reason;
    }
    sim_.SetFaults({{"drop_rate", 0.0}, {"latency_ms", 2000}});
    const auto start = std::chrono::steady_clock::now();
    const auto slow = SendAll({Sms(3, "+14155552345"), Push(4, ApnsToken())}, {{"PROVIDER_TIMEOUT_MS", "300"}});
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
    for (const auto& r : slow) {
        EXPECT_EQ(r.outcome, SendOutcome::kRetryable);
        EXPECT_NE(r.reason.find("Timeout"), std::string::npos) << r.reason;
    }
}

TEST_F(ProviderClientsTest, WrongCredentialsArePermanentConfigurationErrors) {
    const auto dir = testing::ProviderSimProcess::CredentialsDir();
    auto other = testing::EmptyWorkDir() + "/other-creds";
    ASSERT_EQ(testing::RunProcess({std::string(BULKMSG_SOURCE_DIR) + "/scripts/sim-credentials", other}, {},
                                  BULKMSG_SOURCE_DIR)
                  .exit_code,
              0);
    const auto results =
        SendAll({Email(1, "a@example.com"), Sms(2, "+14155552345"), Push(3, FcmToken(3)), Push(4, ApnsToken())},
                {{"EMAIL_API_KEY", "SG.wrong"},
                 {"SMS_AUTH_TOKEN", "wrong"},
                 {"FCM_CREDENTIALS_FILE", other + "/fcm-service-account.json"},
                 {"APNS_KEY_FILE", other + "/apns.p8"}});
    for (const auto& r : results) {
        EXPECT_EQ(r.outcome, SendOutcome::kPermanent) << r.reason;
        EXPECT_TRUE(r.config_error) << r.reason;
    }
    EXPECT_EQ(results[1].reason, "twilio 401 20003: Authenticate");
    EXPECT_EQ(results[2].reason, "fcm token endpoint 400: invalid_grant Invalid JWT Signature.");
    EXPECT_EQ(results[3].reason, "apns 403 InvalidProviderToken");
}

TEST_F(ProviderClientsTest, UnreadableKeyFilesStopStartupNamingTheVariable) {
    auto env = sim_.ClientEnv();
    env["APNS_KEY_FILE"] = "/nonexistent/key.p8";
    app::SystemClock clock;
    try {
        cli::BuildWorkerProviders(domain::ParseConfig(env), clock);
        FAIL() << "expected a configuration error";
    } catch (const domain::ConfigError& e) {
        EXPECT_EQ(e.Variable(), "APNS_KEY_FILE");
    }
    env = sim_.ClientEnv();
    env["FCM_CREDENTIALS_FILE"] = testing::ProviderSimProcess::CredentialsDir() + "/apns.p8";
    try {
        cli::BuildWorkerProviders(domain::ParseConfig(env), clock);
        FAIL() << "expected a configuration error";
    } catch (const domain::ConfigError& e) {
        EXPECT_EQ(e.Variable(), "FCM_CREDENTIALS_FILE");
    }
}

}  // namespace
}  // namespace bulkmsg
