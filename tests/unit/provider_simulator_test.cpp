// The simulator's request validation and fault bookkeeping, called directly (no sockets).
#include "provider_simulator.hpp"

#include <gtest/gtest.h>

#include "domain/providers/http_codec.hpp"
#include "support/sim_requests.hpp"

namespace bulkmsg::sim {
namespace {

const std::chrono::system_clock::time_point kNow{std::chrono::seconds(1'800'000'000)};

using testing::Post;

class ProviderSimulatorTest : public ::testing::Test {
protected:
    SimState state_{7};
    ProviderSimulator sim_{{"SG.k", "AC1", "tok", "", 3600, "", "", ""}, state_, [] { return kNow; }};

    app::HttpResponse Mail(const nlohmann::json& body, const std::string& auth = "Bearer SG.k") {
        return sim_.HandleHttp(
            Post("/v3/mail/send", body.dump(),
                 {{"authorization", auth}, {"content-type", "application/json"}, {"x-bulkmsg-idempotency-key", "k1"}}));
    }
    static nlohmann::json ValidMail() {
        return {{"personalizations", {{{"to", {{{"email", "a@example.com"}}}}}}},
                {"from", {{"email", "b@example.com"}}},
                {"subject", "s"},
                {"content", {{{"type", "text/plain"}, {"value", "v"}}}}};
    }
    app::HttpResponse Sms(const domain::FormFields& form, const std::string& token = "tok") {
        return sim_.HandleHttp(Post("/2010-04-01/Accounts/AC1/Messages.json", domain::FormEncode(form),
                                    {{"authorization", "Basic " + domain::Base64Encode("AC1:" + token)},
                                     {"content-type", "application/x-www-form-urlencoded"}}));
    }
};

TEST_F(ProviderSimulatorTest, SendgridValidatesLikeTheRealApi) {
    const auto ok = Mail(ValidMail());
    EXPECT_EQ(ok.status, 202u);
    EXPECT_EQ(ok.body, "");
    EXPECT_EQ(Mail(ValidMail(), "Bearer SG.other").status, 401u);
    auto no_subject = ValidMail();
    no_subject.erase("subject");
    const auto missing = Mail(no_subject);
    EXPECT_EQ(missing.status, 400u);
    EXPECT_EQ(nlohmann::json::parse(missing.body)["errors"][0]["field"], "subject");
    auto numeric_arg = ValidMail();
    numeric_arg["custom_args"] = {{"outbox_id", 5}};
    EXPECT_EQ(Mail(numeric_arg).status, 400u);
    const auto stats = state_.Stats(true);
    EXPECT_EQ(stats["providers"]["sendgrid"]["accepted"], 1);
    EXPECT_EQ(stats["providers"]["sendgrid"]["rejected"], 3);
    EXPECT_EQ(stats["keys"]["k1"], 1);
}

TEST_F(ProviderSimulatorTest, RequireUnsubscribeRejectsMailWithoutTheRfc8058Headers) {
    SimCredentials strict{"SG.k", "AC1", "tok", "", 3600, "", "", ""};
    strict.require_unsubscribe = true;
    ProviderSimulator sim(strict, state_, [] { return kNow; });
    const auto send = [&](const nlohmann::json& body) {
        return sim.HandleHttp(Post("/v3/mail/send", body.dump(),
                                   {{"authorization", "Bearer SG.k"}, {"content-type", "application/json"}}));
    };
    const auto bare = send(ValidMail());
    EXPECT_EQ(bare.status, 400u);
    EXPECT_EQ(nlohmann::json::parse(bare.body)["errors"][0]["field"], "personalizations.0.headers");
    auto mail = ValidMail();
    mail["personalizations"][0]["headers"] = {{"List-Unsubscribe", "<https://api.example.org/u/t>"}};
    EXPECT_EQ(send(mail).status, 400u);
    mail["personalizations"][0]["headers"]["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
    EXPECT_EQ(send(mail).status, 202u);
    mail["personalizations"][0]["headers"]["List-Unsubscribe"] = "<mailto:u@example.org>";
    EXPECT_EQ(send(mail).status, 400u);
    EXPECT_EQ(Mail(ValidMail()).status, 202u);  // without the flag the headers are optional
}

TEST_F(ProviderSimulatorTest, MailHeadersRecordEachRecipientsUnsubscribeLinkUntilReset) {
    auto mail = ValidMail();
    mail["personalizations"][0]["headers"] = {{"List-Unsubscribe", "<https://api.example.org/u/t1>"},
                                              {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
                                              {"List-Id", "Sale <7.campaigns.api.example.org>"}};
    EXPECT_EQ(Mail(mail).status, 202u);
    EXPECT_EQ(Mail(ValidMail()).status, 202u);
    EXPECT_EQ(Mail(mail, "Bearer SG.other").status, 401u);  // refused before it counts as received mail
    app::HttpRequest get;
    get.method = "GET";
    get.path = "/_sim/mail-headers";
    const auto report = nlohmann::json::parse(sim_.HandleHttp(get).body);
    EXPECT_EQ(report["mails"], 2);
    EXPECT_EQ(report["one_click"], 1);
    EXPECT_EQ(report["truncated"], false);
    EXPECT_EQ(report["recorded"][0], (nlohmann::json{{"to", "a@example.com"},
                                                     {"list_unsubscribe", "<https://api.example.org/u/t1>"},
                                                     {"list_unsubscribe_post", "List-Unsubscribe=One-Click"},
                                                     {"list_id", "Sale <7.campaigns.api.example.org>"}}));
    EXPECT_EQ(report["recorded"][1]["list_unsubscribe"], "");
    EXPECT_EQ(sim_.HandleHttp(Post("/_sim/reset", "{}", {})).status, 200u);
    EXPECT_EQ(nlohmann::json::parse(sim_.HandleHttp(get).body)["mails"], 0);
}

TEST(MailHeaderLogTest, CountsEveryMailButKeepsOnlyItsCapacity) {
    MailHeaderLog log(1);
    log.Record(
        {{"personalizations", {{{"to", {{{"email", "a@example.com"}}}}}, {{"to", {{{"email", "b@example.com"}}}}}}}});
    const auto report = log.Report();
    EXPECT_EQ(report["mails"], 2);
    EXPECT_EQ(report["recorded"].size(), 1u);
    EXPECT_EQ(report["recorded"][0]["to"], "a@example.com");
    EXPECT_EQ(report["truncated"], true);
}

TEST_F(ProviderSimulatorTest, TwilioChecksAuthRequiredFieldsAndMagicNumbers) {
    EXPECT_EQ(Sms({{"To", "+14155552345"}, {"From", "+15005550006"}, {"Body", "hi"}}).status, 201u);
    auto code = [&](const domain::FormFields& form, const std::string& token = "tok") {
        return nlohmann::json::parse(Sms(form, token).body)["code"].get<int>();
    };
    EXPECT_EQ(code({{"To", "+14155552345"}, {"From", "+15005550006"}, {"Body", "hi"}}, "bad"), 20003);
    EXPECT_EQ(code({{"From", "+15005550006"}, {"Body", "hi"}}), 21604);
    EXPECT_EQ(code({{"To", "+14155552345"}, {"Body", "hi"}}), 21603);
    EXPECT_EQ(code({{"To", "+14155552345"}, {"From", "+15005550006"}}), 21602);
    EXPECT_EQ(code({{"To", "12345"}, {"From", "+15005550006"}, {"Body", "hi"}}), 21211);
    EXPECT_EQ(code({{"To", "+15005550004"}, {"From", "+15005550006"}, {"Body", "hi"}}), 21610);
}

TEST_F(ProviderSimulatorTest, ApnsChecksMethodPathAndToken) {
    auto apns = [&](const std::string& method, const std::string& path, std::map<std::string, std::string> headers) {
        auto r = Post(path, R"({"aps":{"alert":"x"}})", std::move(headers));
        r.method = method;
        return nlohmann::json::parse(sim_.HandleApns(r).body).value("reason", "");
    };
    EXPECT_EQ(apns("GET", "/3/device/abcd", {}), "MethodNotAllowed");
    EXPECT_EQ(apns("POST", "/4/device/abcd", {}), "BadPath");
    EXPECT_EQ(apns("POST", "/3/device/xyz", {}), "BadDeviceToken");
    EXPECT_EQ(apns("POST", "/3/device/abcd", {}), "MissingProviderToken");
    EXPECT_EQ(apns("POST", "/3/device/abcd", {{"authorization", "bearer not.a.jwt"}}), "InvalidProviderToken");
}

TEST_F(ProviderSimulatorTest, FaultsAreInjectedAndCounted) {
    state_.SetFaults({{"rate_limit_burst", 2}, {"retry_after_seconds", 9}, {"latency_ms", 15}});
    const auto first = Mail(ValidMail());
    EXPECT_EQ(first.status, 429u);
    EXPECT_EQ(first.delay, std::chrono::milliseconds(15));
    const auto second = Sms({{"To", "+14155552345"}, {"From", "+15005550006"}, {"Body", "hi"}});
    EXPECT_EQ(second.status, 429u);
    ASSERT_EQ(second.headers.size(), 1u);
    EXPECT_EQ(second.headers[0], (std::pair<std::string, std::string>{"Retry-After", "9"}));
    EXPECT_EQ(Mail(ValidMail()).status, 202u);
    state_.SetFaults({{"error_rate", 1.0}});
    EXPECT_EQ(Mail(ValidMail()).status, 500u);
    state_.SetFaults({{"error_rate", 0.0}, {"drop_rate", 1.0}});
    EXPECT_TRUE(Mail(ValidMail()).drop_connection);
    const auto stats = state_.Stats(false);
    EXPECT_EQ(stats["providers"]["sendgrid"]["faults"], 3);
    EXPECT_EQ(stats["providers"]["twilio"]["faults"], 1);
    EXPECT_EQ(stats["duplicates"], 0);
    Mail(ValidMail());
    state_.SetFaults({{"drop_rate", 0.0}});
    Mail(ValidMail());
    EXPECT_EQ(state_.Stats(false)["duplicates"], 1) << "the same idempotency key accepted twice";
}

TEST(FaultPatchTest, RejectsUnknownAndOutOfRangeFields) {
    Faults faults;
    EXPECT_THROW(ApplyFaultPatch(faults, {{"error_rate", 1.5}}), std::invalid_argument);
    EXPECT_THROW(ApplyFaultPatch(faults, {{"latency_ms", -1}}), std::invalid_argument);
    EXPECT_THROW(ApplyFaultPatch(faults, {{"explode", true}}), std::invalid_argument);
    EXPECT_THROW(ApplyFaultPatch(faults, nlohmann::json::array()), std::invalid_argument);
    ApplyFaultPatch(faults, {{"latency_ms", 20}, {"drop_rate", 0.5}});
    EXPECT_EQ(faults.latency, std::chrono::milliseconds(20));
    EXPECT_EQ(faults.drop_rate, 0.5);
}

}  // namespace
}  // namespace bulkmsg::sim
