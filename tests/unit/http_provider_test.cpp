#include "app/providers/http_provider.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "app/providers/apns_api.hpp"
#include "app/providers/fcm_api.hpp"
#include "app/providers/log_provider.hpp"
#include "app/providers/provider_router.hpp"
#include "app/providers/stateless_api.hpp"
#include "domain/providers/http_codec.hpp"
#include "domain/providers/jwt.hpp"
#include "domain/providers/sendgrid_protocol.hpp"
#include "support/fake_clock.hpp"
#include "support/test_keys.hpp"

namespace bulkmsg::app {
namespace {

/// Keeps submitted requests until the test answers them.
class FakeTransport final : public HttpTransport {
public:
    void Submit(domain::ProviderRequest request, Done done) override {
        pending.emplace_back(std::move(request), std::move(done));
        ++submitted;
    }
    void Poll(std::chrono::milliseconds) override {}
    std::size_t InFlight() const override { return pending.size(); }

    /// Answers the oldest request.
    void Answer(long status, std::string body, std::map<std::string, std::string> headers = {}) {
        auto [request, done] = std::move(pending.front());
        pending.pop_front();
        done({{status, std::move(headers), std::move(body)}, ""});
    }
    void Fail(std::string error) {
        auto [request, done] = std::move(pending.front());
        pending.pop_front();
        done({{}, std::move(error)});
    }

    std::deque<std::pair<domain::ProviderRequest, Done>> pending;
    unsigned submitted = 0;
};

domain::OutboundMessage PushMessage(std::string token = "fcm-token-0123456789-0123456789-0123") {
    domain::OutboundMessage m;
    m.outbox_id = 9;
    m.idempotency_key = "k9";
    m.kind = domain::Channel::kPush;
    m.user_ref = token;
    m.payload = {{"token", token}, {"title", "T"}, {"body", "B"}};
    return m;
}

std::unique_ptr<StatelessApi> SendgridApi() {
    return std::make_unique<StatelessApi>(
        "sendgrid",
        [](const domain::OutboundMessage& m) {
            return domain::BuildSendgridRequest(m, {"http://sim", "SG.k", ""});
        },
        domain::ClassifySendgridResponse);
}

struct Outcomes {
    std::vector<domain::SendResult> results;
    MessageProvider::Done Recorder() {
        return [this](domain::SendResult r) { results.push_back(std::move(r)); };
    }
};

TEST(HttpProviderTest, ClassifiesAnswersAndTransportErrors) {
    FakeTransport transport;
    testing::FakeClock clock;
    HttpProvider provider(SendgridApi(), transport, clock);
    Outcomes out;
    auto email = PushMessage();
    email.kind = domain::Channel::kEmail;
    email.payload = {{"to", "a@example.com"}, {"from", "b@example.com"}, {"subject", "s"}, {"text", "t"}};
    provider.Send(email, out.Recorder());
    provider.Send(email, out.Recorder());
    EXPECT_TRUE(out.results.empty());
    ASSERT_EQ(transport.InFlight(), 2u);
    EXPECT_EQ(transport.pending.front().first.url, "http://sim/v3/mail/send");
    transport.Answer(202, "", {{"x-message-id", "m1"}});
    transport.Fail("Timeout was reached");
    ASSERT_EQ(out.results.size(), 2u);
    EXPECT_EQ(out.results[0].outcome, domain::SendOutcome::kSent);
    EXPECT_EQ(out.results[0].provider_message_id, "m1");
    EXPECT_EQ(out.results[1].outcome, domain::SendOutcome::kRetryable);
    EXPECT_EQ(out.results[1].reason, "sendgrid: Timeout was reached");
}

struct FcmFixture {
    testing::PemKeyPair keys = testing::GenerateRsaKey();
    std::vector<domain::ProviderRequest> token_requests;
    unsigned next_token = 0;
    FakeTransport transport;
    testing::FakeClock clock;

    std::unique_ptr<FcmApi> Api() {
        domain::ServiceAccount account{"proj", "sa@proj", keys.private_pem, "kid", "https://oauth.example/token"};
        return std::make_unique<FcmApi>(
            domain::FcmSettings{"http://sim", "proj"}, account, "http://sim/token",
            [this](const domain::ProviderRequest& request) {
                token_requests.push_back(request);
                return TransportResult{
                    {200,
                     {},
                     nlohmann::json{{"access_token", "tok" + std::to_string(++next_token)}, {"expires_in", 3600}}
                         .dump()},
                    ""};
            });
    }
    std::string Bearer(std::size_t i) const { return transport.pending.at(i).first.headers.at(0).second; }
};

TEST(FcmApiTest, CachesTheAccessTokenAndRenewsItBeforeExpiry) {
    FcmFixture f;
    auto api = f.Api();
    const auto start = f.clock.Now();
    ASSERT_TRUE(std::holds_alternative<domain::ProviderRequest>(api->Build(PushMessage(), start)));
    ASSERT_EQ(f.token_requests.size(), 1u);
    EXPECT_EQ(f.token_requests[0].url, "http://sim/token");
    // The assertion's audience is the account's token_uri even though the request goes to FCM_TOKEN_URL.
    const auto form = domain::ParseForm(f.token_requests[0].body);
    const auto claims = domain::VerifyJwt(form.at(1).second, domain::JwtAlgorithm::kRs256, f.keys.public_pem);
    ASSERT_TRUE(claims.has_value());
    EXPECT_EQ(claims->claims["aud"], "https://oauth.example/token");

    auto at = [&](std::chrono::seconds offset) {
        auto built = api->Build(PushMessage(), start + offset);
        return std::get<domain::ProviderRequest>(built).headers.at(0).second;
    };
    EXPECT_EQ(at(std::chrono::seconds(0)), "Bearer tok1");
    EXPECT_EQ(at(std::chrono::seconds(3600 - 301)), "Bearer tok1");
    EXPECT_EQ(api->TokenExchanges(), 1u);
    EXPECT_EQ(at(std::chrono::seconds(3600 - 300)), "Bearer tok2");
    EXPECT_EQ(api->TokenExchanges(), 2u);
}

TEST(FcmApiTest, A401RenewsTheTokenAndResendsOnce) {
    FcmFixture f;
    HttpProvider provider(f.Api(), f.transport, f.clock);
    Outcomes out;
    provider.Send(PushMessage(), out.Recorder());
    EXPECT_EQ(f.Bearer(0), "Bearer tok1");
    f.transport.Answer(401, R"({"error":{"code":401,"status":"UNAUTHENTICATED","message":"expired"}})");
    ASSERT_TRUE(out.results.empty());
    ASSERT_EQ(f.transport.InFlight(), 1u);
    EXPECT_EQ(f.Bearer(0), "Bearer tok2");
    f.transport.Answer(200, R"({"name":"projects/proj/messages/1"})");
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0].provider_message_id, "projects/proj/messages/1");

    provider.Send(PushMessage(), out.Recorder());
    f.transport.Answer(401, R"({"error":{"code":401,"status":"UNAUTHENTICATED","message":"expired"}})");
    f.transport.Answer(401, R"({"error":{"code":401,"status":"UNAUTHENTICATED","message":"expired"}})");
    ASSERT_EQ(out.results.size(), 2u);
    EXPECT_EQ(out.results[1].outcome, domain::SendOutcome::kPermanent);
    EXPECT_TRUE(out.results[1].config_error);
    EXPECT_EQ(f.transport.submitted, 4u);
}

TEST(FcmApiTest, TokenEndpointFailureFailsTheMessageWithoutSending) {
    FakeTransport transport;
    testing::FakeClock clock;
    const auto keys = testing::GenerateRsaKey();
    auto api = std::make_unique<FcmApi>(
        domain::FcmSettings{"http://sim", "p"}, domain::ServiceAccount{"p", "sa@p", keys.private_pem, "", "http://t"},
        "", [](const domain::ProviderRequest&) {
            return TransportResult{{400, {}, R"({"error":"invalid_grant","error_description":"Invalid JWT"})"}, ""};
        });
    HttpProvider provider(std::move(api), transport, clock);
    Outcomes out;
    provider.Send(PushMessage(), out.Recorder());
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0].outcome, domain::SendOutcome::kPermanent);
    EXPECT_TRUE(out.results[0].config_error);
    EXPECT_EQ(transport.submitted, 0u);
}

TEST(ApnsApiTest, ReusesTheProviderTokenForFiftyMinutes) {
    const auto keys = testing::GenerateEcKey();
    testing::FakeClock clock;
    ApnsApi api({"https://sim", "com.example", 0}, keys.private_pem, "KEYID12345", "TEAMID1234");
    const auto token = PushMessage(std::string(64, 'a'));
    auto bearer = [&] { return std::get<domain::ProviderRequest>(api.Build(token, clock.Now())).headers.at(0).second; };
    const auto first = bearer();
    clock.Advance(std::chrono::minutes(49));
    EXPECT_EQ(bearer(), first);
    EXPECT_EQ(api.TokensIssued(), 1u);
    // ExpiredProviderToken on a token younger than 20 minutes does not renew it (Apple throttles renewals).
    clock.Advance(std::chrono::minutes(1));
    const auto second = bearer();
    EXPECT_NE(second, first);
    clock.Advance(std::chrono::minutes(10));
    api.InvalidateCredentials(clock.Now());
    EXPECT_EQ(bearer(), second);
    clock.Advance(std::chrono::minutes(10));
    api.InvalidateCredentials(clock.Now());
    EXPECT_NE(bearer(), second);
    EXPECT_EQ(api.TokensIssued(), 3u);
    const auto jwt = std::string(bearer()).substr(std::string("bearer ").size());
    EXPECT_TRUE(domain::VerifyJwt(jwt, domain::JwtAlgorithm::kEs256, keys.public_pem).has_value());
}

TEST(HttpProviderTest, OversizedPayloadIsRefusedInsideSend) {
    const auto keys = testing::GenerateEcKey();
    FakeTransport transport;
    testing::FakeClock clock;
    HttpProvider provider(
        std::make_unique<ApnsApi>(domain::ApnsSettings{"https://sim", "t", 0}, keys.private_pem, "K", "T"), transport,
        clock);
    auto message = PushMessage(std::string(64, 'b'));
    message.payload["body"] = std::string(5000, 'x');
    Outcomes out;
    provider.Send(message, out.Recorder());
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0].outcome, domain::SendOutcome::kPermanent);
    EXPECT_EQ(transport.submitted, 0u);
}

TEST(ProviderRouterTest, RoutesByChannelAndTokenShape) {
    ProviderRouter router(std::make_unique<LogProvider>(), std::make_unique<LogProvider>(),
                          std::make_unique<LogProvider>(), std::make_unique<LogProvider>());
    auto email = PushMessage();
    email.kind = domain::Channel::kEmail;
    auto sms = email;
    sms.kind = domain::Channel::kSms;
    auto& e = router.For(email);
    auto& s = router.For(sms);
    auto& fcm = router.For(PushMessage());
    auto& apns = router.For(PushMessage(std::string(64, 'c')));
    EXPECT_NE(&e, &s);
    EXPECT_NE(&fcm, &apns);
    EXPECT_NE(&e, &fcm);
    EXPECT_TRUE(IsApnsDeviceToken("0123456789abcdefABCDEF0123456789abcdef0123456789abcdef0123456789"));
    EXPECT_FALSE(IsApnsDeviceToken(std::string(63, 'a')));
    EXPECT_FALSE(IsApnsDeviceToken(std::string(64, 'g')));

    ProviderRouter without_apns(std::make_unique<LogProvider>(), std::make_unique<LogProvider>(),
                                std::make_unique<LogProvider>());
    EXPECT_EQ(&without_apns.For(PushMessage(std::string(64, 'c'))), &without_apns.For(PushMessage()));
}

TEST(LogProviderTest, ReportsSentWithItsOwnId) {
    LogProvider provider;
    Outcomes out;
    provider.Send(PushMessage(), out.Recorder());
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0].outcome, domain::SendOutcome::kSent);
    EXPECT_EQ(out.results[0].provider_message_id, "log-9");
}

}  // namespace
}  // namespace bulkmsg::app
