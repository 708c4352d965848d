// The simulator's feedback loop as a process: it posts signed SendGrid batches and Twilio callbacks to a
// receiver that verifies them with bulkmsg's own signature checks, retries what the receiver refuses, and its
// /_sim/stats report equals what the receiver got, per type. No database involved.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "adapters/http/http_server.hpp"
#include "domain/providers/http_codec.hpp"
#include "domain/providers/webhook_signature.hpp"
#include "support/provider_sim.hpp"
#include "support/raw_http.hpp"

namespace bulkmsg {
namespace {

/// Stands in for bulkmsg's webhook routes: refuses each route's first request (503), then verifies, dedupes and
/// counts like the real ones should.
class WebhookReceiver {
public:
    WebhookReceiver()
        : server_({"127.0.0.1", 0, 2, 8u << 20}, [this](const app::HttpRequest& r) { return Handle(r); }) {
        server_.Start();
    }
    ~WebhookReceiver() { server_.Stop(); }
    std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_.Port()); }
    void SetKeys(std::string sendgrid_public_key, std::string twilio_token) {
        const std::lock_guard lock(mutex_);
        sendgrid_key_ = std::move(sendgrid_public_key);
        twilio_token_ = std::move(twilio_token);
    }
    std::map<std::string, int> Counts() {
        const std::lock_guard lock(mutex_);
        return counts_;
    }

private:
    app::HttpResponse Handle(const app::HttpRequest& r) {
        const std::lock_guard lock(mutex_);
        if (refused_.insert(r.path).second) {
            return app::JsonError(503, "unavailable", "first request refused");
        }
        if (r.path == "/webhooks/sendgrid") {
            return Sendgrid(r);
        }
        const auto form = domain::ParseForm(r.body);
        if (!domain::VerifyTwilioSignature(twilio_token_, Url() + r.path, form, r.headers.at("x-twilio-signature"))) {
            ++counts_["forged"];
            return app::JsonError(403, "forbidden", "bad signature");
        }
        const auto token = r.headers.at("i-twilio-idempotency-token");
        if (!seen_.insert(token).second) {
            ++counts_["twilio:duplicate"];
        } else if (r.path == "/webhooks/twilio/inbound") {
            ++counts_["twilio:stop"];
        } else {
            const auto status =
                std::find_if(form.begin(), form.end(), [](const auto& f) { return f.first == "MessageStatus"; });
            ++counts_["twilio:" + (status == form.end() ? std::string("none") : status->second)];
        }
        return app::HttpResponse{204, "text/plain", ""};
    }
    app::HttpResponse Sendgrid(const app::HttpRequest& r) {
        if (!domain::VerifySendgridEventSignature(sendgrid_key_, r.headers.at("x-twilio-email-event-webhook-signature"),
                                                  r.headers.at("x-twilio-email-event-webhook-timestamp"), r.body)) {
            ++counts_["forged"];
            return app::JsonError(403, "forbidden", "bad signature");
        }
        for (const auto& event : nlohmann::json::parse(r.body)) {
            const bool fresh = seen_.insert(event["sg_event_id"].get<std::string>()).second;
            ++counts_[fresh ? "sendgrid:" + event["event"].get<std::string>() : "sendgrid:duplicate"];
        }
        return app::HttpResponse{200, "text/plain", ""};
    }

    std::mutex mutex_;
    std::string sendgrid_key_, twilio_token_;
    std::set<std::string> refused_, seen_;
    std::map<std::string, int> counts_;
    http::HttpServer server_;
};

std::string Request(const std::string& path, const std::string& type, const std::string& auth,
                    const std::string& body) {
    return "POST " + path + " HTTP/1.1\r\nHost: sim\r\nAuthorization: " + auth + "\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

/// `n` mails and `n` SMS, each answered as accepted.
void SendMailAndSms(unsigned short port, int n) {
    testing::RawHttpConnection connection(port);
    for (int i = 0; i < n; ++i) {
        const nlohmann::json mail = {
            {"personalizations", {{{"to", {{{"email", "u" + std::to_string(i) + "@example.com"}}}}}}},
            {"from", {{"email", "b@example.com"}}},
            {"subject", "s"},
            {"content", {{{"type", "text/plain"}, {"value", "v"}}}},
            {"custom_args", {{"outbox_id", std::to_string(i)}}}};
        ASSERT_TRUE(connection.Send(Request("/v3/mail/send", "application/json", "Bearer SG.simulator", mail.dump())));
        ASSERT_EQ(connection.Receive().status, 202);
        const auto sms = domain::FormEncode(
            {{"To", "+1415555" + std::to_string(1000 + i)}, {"From", "+15005550006"}, {"Body", "hi"}});
        ASSERT_TRUE(connection.Send(Request("/2010-04-01/Accounts/ACsimulator/Messages.json",
                                            "application/x-www-form-urlencoded",
                                            "Basic " + domain::Base64Encode("ACsimulator:simulator-token"), sms)));
        ASSERT_EQ(connection.Receive().status, 201);
    }
}

TEST(ProviderSimFeedback, ReportEqualsWhatTheReceiverVerifiedAndCounted) {
    WebhookReceiver receiver;
    testing::ProviderSimOptions options;
    options.feedback = {receiver.Url(),
                        {{"feedback-bounce", 0.05},
                         {"feedback-dropped", 0.02},
                         {"feedback-deferred", 0.1},
                         {"feedback-spamreport", 0.01},
                         {"feedback-open", 0.3},
                         {"feedback-click", 0.1},
                         {"feedback-duplicates", 0.05},
                         {"feedback-out-of-order", 0.05},
                         {"feedback-sms-undelivered", 0.04},
                         {"feedback-sms-failed", 0.01},
                         {"sms-stop", 0.02}},
                        3,
                        100};
    testing::ProviderSimProcess sim(options);
    const auto env = sim.ClientEnv();
    receiver.SetKeys(env.at("SENDGRID_WEBHOOK_PUBLIC_KEY"), env.at("SMS_AUTH_TOKEN"));
    EXPECT_EQ(env.at("PUBLIC_BASE_URL"), receiver.Url());
    SendMailAndSms(sim.HttpPort(), 1000);
    const auto report = sim.SettledFeedback();
    const auto got = receiver.Counts();
    auto count = [&](const std::string& key) { return got.contains(key) ? got.at(key) : 0; };
    EXPECT_EQ(count("forged"), 0);
    EXPECT_GE(report["failed_attempts"].get<int>(), 3) << "each route's first post was refused and retried";
    for (const auto& [type, n] : report["sendgrid"]["by_type"].items()) {
        EXPECT_EQ(count("sendgrid:" + type), n.get<int>()) << type;
    }
    EXPECT_EQ(count("sendgrid:duplicate"), report["sendgrid"]["duplicates"].get<int>());
    for (const auto& [status, n] : report["twilio"]["by_status"].items()) {
        EXPECT_EQ(count("twilio:" + status), n.get<int>()) << status;
    }
    EXPECT_EQ(count("twilio:duplicate"), report["twilio"]["duplicates"].get<int>());
    EXPECT_EQ(count("twilio:stop"), report["twilio"]["stops"].get<int>());
    const std::map<std::string, std::map<std::string, int>> planned = {
        {"sendgrid",
         {{"bounced", 50},
          {"dropped", 20},
          {"complained", 10},
          {"delivered", 920},
          {"deferred", 100},
          {"duplicated", 50},
          {"opened", 300},
          {"clicked", 100}}},
        {"twilio", {{"undelivered", 40}, {"failed", 10}, {"delivered", 950}, {"stopped", 20}}}};
    for (const auto& [provider, counts] : planned) {
        for (const auto& [outcome, n] : counts) {
            EXPECT_EQ(report[provider]["messages"][outcome], n) << provider << " " << outcome;
        }
    }
}

}  // namespace
}  // namespace bulkmsg
