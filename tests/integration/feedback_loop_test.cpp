// The delivery feedback loop end to end: `bulkmsg all` sends an email and an SMS campaign through the provider
// simulator (started with --require-unsubscribe and its feedback on), the simulator posts signed SendGrid events,
// Twilio status callbacks and inbound STOPs back, and the counts bulkmsg stored must equal what the simulator says
// it sent back, per type.
#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "domain/unsubscribe_token.hpp"
#include "support/outbox_fixture.hpp"
#include "support/provider_sim.hpp"
#include "support/raw_http.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

constexpr int kRecipients = 1000;  // per campaign: the simulator's plan is exact per 1,000 messages

class FeedbackRoundTripTest : public ::testing::Test {
protected:
    void SetUp() override {
        port_ = testing::FreePort();
        testing::ProviderSimOptions options;
        options.extra_args = {"--require-unsubscribe"};
        options.feedback.webhook_url = "http://127.0.0.1:" + std::to_string(port_);
        options.feedback.rates = {{"feedback-bounce", 0.03},
                                  {"feedback-dropped", 0.01},
                                  {"feedback-deferred", 0.05},
                                  {"feedback-spamreport", 0.01},
                                  {"feedback-open", 0.2},
                                  {"feedback-click", 0.05},
                                  {"feedback-duplicates", 0.05},
                                  {"feedback-out-of-order", 0.05},
                                  {"feedback-sms-undelivered", 0.02},
                                  {"sms-stop", 0.04}};
        sim_ = std::make_unique<testing::ProviderSimProcess>(options);
        auto env = queues_.Env();
        env.merge(sim_->ClientEnv());
        env.merge(std::map<std::string, std::string>{{"DB_NAME", db_.Config().name},
                                                     {"EXPRESS_APP_PORT", std::to_string(port_)},
                                                     {"METRICS_PORT", std::to_string(testing::FreePort())},
                                                     {"POLL_INTERVAL_MS", "100"},
                                                     {"LOG_LEVEL", "warn"}});
        // BulkmsgEnv's own PUBLIC_BASE_URL must not win over the simulator's webhook URL.
        env_ = testing::BulkmsgEnv(env);
        env_["PUBLIC_BASE_URL"] = options.feedback.webhook_url;
        const auto created = testing::RunBulkmsg({"apikey", "create", "--name", "feedback"}, env_);
        ASSERT_EQ(created.exit_code, 0) << created.output;
        key_ = created.output.substr(created.output.find_last_of('\n', created.output.size() - 2) + 1);
        key_.erase(key_.find_last_not_of("\r\n") + 1);
        all_ = std::make_unique<testing::ChildProcess>(std::vector<std::string>{BULKMSG_BINARY, "all"}, env_,
                                                       testing::EmptyWorkDir());
        ASSERT_TRUE(testing::WaitUntil([&] { return testing::HttpGet(port_, "/ready").status == 200; }, 20s, 100ms))
            << all_->OutputSoFar();
    }

    testing::RawHttpResponse Call(const std::string& method, const std::string& path, const std::string& type,
                                  const std::string& body) {
        return testing::SendRawHttp(port_, method + " /api/v1" + path +
                                               " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                               "Authorization: Bearer " +
                                               key_ + "\r\nContent-Type: " + type + "\r\nContent-Length: " +
                                               std::to_string(body.size()) + "\r\n\r\n" + body);
    }

    /// Creates a campaign from `definition`, uploads `count` targets made by `ref`, and prepares it.
    std::uint64_t Send(const Json& definition, const std::function<std::string(int)>& ref, int count = kRecipients) {
        const auto created = Call("POST", "/campaigns", "application/json", definition.dump());
        EXPECT_EQ(created.status, 201u) << created.body;
        const auto id = Json::parse(created.body)["id"].get<std::uint64_t>();
        std::string ndjson;
        for (int i = 0; i < count; ++i) {
            ndjson += Json{{"user_ref", ref(i)}}.dump() + "\n";
        }
        const auto path = "/campaigns/" + std::to_string(id);
        const auto uploaded = Call("POST", path + "/targets", "application/x-ndjson", ndjson);
        EXPECT_EQ(Json::parse(uploaded.body)["accepted"], count) << uploaded.body;
        EXPECT_EQ(Call("POST", path + "/prepare", "application/json", "").status, 202u);
        return id;
    }

    std::uint64_t Rows(std::uint64_t campaign, const std::string& where) {
        return std::stoull(db_.Value("SELECT COUNT(*) FROM outbox WHERE campaign_id=" + std::to_string(campaign) +
                                     " AND (" + where + ")"));
    }
    std::uint64_t Scalar(const std::string& sql) { return std::stoull(db_.Value(sql)); }

    testing::MigratedDatabase db_;
    testing::TestQueues queues_;
    std::map<std::string, std::string> env_;
    unsigned short port_ = 0;
    std::string key_;
    std::unique_ptr<testing::ProviderSimProcess> sim_;
    std::unique_ptr<testing::ChildProcess> all_;
};

TEST_F(FeedbackRoundTripTest, StoredDeliveryCountsEqualWhatTheSimulatorSentBack) {
    const auto email = Send({{"name", "newsletter"},
                             {"kind", "email"},
                             {"template", {{"subject", "News"}, {"text", "Hi. Unsubscribe: {{unsubscribe_url}}"}}}},
                            [](int i) { return "reader" + std::to_string(i) + "@example.com"; });
    const auto sms = Send({{"name", "texts"},
                           {"kind", "sms"},
                           {"transactional", true},
                           {"quiet_hours", nullptr},
                           {"template", {{"text", "Your code is 1234"}}}},
                          [](int i) { return "+1415" + std::to_string(5550000 + i); });
    ASSERT_TRUE(testing::WaitUntil(
        [&] { return Rows(email, "status='sent'") + Rows(sms, "status='sent'") == 2u * kRecipients; }, 120s, 200ms))
        << db_.Value(
               "SELECT GROUP_CONCAT(status, ':', n) FROM (SELECT status, COUNT(*) n FROM outbox GROUP BY status) s")
        << all_->OutputSoFar().substr(0, 4000);
    // --require-unsubscribe refuses (400) mail without List-Unsubscribe and List-Unsubscribe-Post: all accepted.
    EXPECT_EQ(sim_->Stats()["providers"]["sendgrid"]["accepted"], kRecipients);

    const auto feedback = sim_->SettledFeedback(60s);
    const auto& mail = feedback["sendgrid"]["messages"];
    const auto& texts = feedback["twilio"]["messages"];
    EXPECT_GT(feedback["sendgrid"]["duplicates"].get<int>(), 0) << "the run must include duplicates";
    EXPECT_GT(mail["out_of_order"].get<int>(), 0);
    // The report counts planned final states; a deferred mail's delivered event may still be on its way.
    const auto final_states_stored = [&] {
        return Rows(email, "delivery_status='delivered'") == mail["delivered"].get<std::uint64_t>() &&
               Rows(email, "delivery_status='bounced'") == mail["bounced"].get<std::uint64_t>() &&
               Rows(email, "delivery_status='dropped'") == mail["dropped"].get<std::uint64_t>() &&
               Rows(email, "delivery_status='complained'") == mail["complained"].get<std::uint64_t>();
    };
    EXPECT_TRUE(testing::WaitUntil(final_states_stored, 30s, 200ms))
        << db_.Value(
               "SELECT GROUP_CONCAT(s, ':', n) FROM (SELECT IFNULL(delivery_status, '-') s, COUNT(*) n FROM outbox "
               "WHERE campaign_id=" +
               std::to_string(email) + " GROUP BY s) t")
        << " vs " << mail.dump();
    EXPECT_EQ(Rows(email, "delivery_status IS NULL OR delivery_status IN ('accepted','deferred')"), 0u);
    // Every Twilio callback is stored once. A callback can arrive before the consumer has stored the MessageSid it
    // names (Twilio answers the send, then calls back at once): the poller matches it to its row afterwards
    // (FeedbackIngest::MatchLate), so in the end every SMS row has its final state too.
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM message_events WHERE provider='twilio' AND event_type='delivered'"),
              texts["delivered"].get<std::uint64_t>());
    EXPECT_TRUE(testing::WaitUntil(
        [&] {
            return Rows(sms, "delivery_status='delivered'") == texts["delivered"].get<std::uint64_t>() &&
                   Rows(sms, "delivery_status='undelivered'") == texts["undelivered"].get<std::uint64_t>();
        },
        30s, 200ms))
        << Scalar("SELECT COUNT(*) FROM message_events WHERE outbox_id IS NULL AND event_type<>'stop'")
        << " callbacks unmatched";
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM message_events WHERE outbox_id IS NULL AND event_type<>'stop'"), 0u);

    // Every unique event is stored once; duplicates added nothing.
    const auto sendgrid_events = feedback["sendgrid"]["events"].get<std::uint64_t>();
    const auto twilio_callbacks = feedback["twilio"]["callbacks"].get<std::uint64_t>();
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM message_events WHERE provider='sendgrid'"), sendgrid_events);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM message_events WHERE provider='twilio' AND event_type<>'stop'"),
              twilio_callbacks);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM message_events WHERE event_type='stop'"),
              feedback["twilio"]["stops"].get<std::uint64_t>());
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM message_events WHERE event_type='open'"),
              feedback["sendgrid"]["by_type"]["open"].get<std::uint64_t>());

    // Automatic suppression: hard bounces, drops (Bounced Address), spam reports; STOPs.
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM suppressions WHERE channel='email'"),
              mail["bounced"].get<std::uint64_t>() + mail["dropped"].get<std::uint64_t>() +
                  mail["complained"].get<std::uint64_t>());
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM suppressions WHERE source='twilio:stop'"),
              texts["stopped"].get<std::uint64_t>());

    // The API's progress says the same.
    const auto progress = Json::parse(
        Call("GET", "/campaigns/" + std::to_string(email) + "/progress", "application/json", "").body)["delivery"];
    EXPECT_EQ(progress["bounced"], mail["bounced"]);
    EXPECT_EQ(progress["accepted"], kRecipients);
    all_->Signal(SIGTERM);
    EXPECT_EQ(all_->Wait().exit_code, 0);
}

// RFC 8058 as the mailbox provider sees it: every mail the simulator received carries both headers, and each link's
// token resolves (under the API's secret) to the campaign and the recipient that mail went to.
TEST_F(FeedbackRoundTripTest, EveryMailTheSimulatorReceivedLinksToItsOwnRecipient) {
    constexpr int kMails = 50;
    const auto email = Send(
        {{"name", "sale"}, {"kind", "email"}, {"template", {{"subject", "Sale"}, {"text", "Hi"}}}},
        [](int i) { return "buyer" + std::to_string(i) + "@example.com"; }, kMails);
    ASSERT_TRUE(testing::WaitUntil([&] { return Rows(email, "status='sent'") == kMails; }, 60s, 100ms))
        << all_->OutputSoFar().substr(0, 4000);
    const auto received = sim_->MailHeaders();
    EXPECT_EQ(received["mails"], kMails);
    EXPECT_EQ(received["one_click"], kMails);
    const domain::UnsubscribeKeys keys{env_.at("UNSUBSCRIBE_SECRET"), ""};
    const auto prefix = "<" + env_.at("PUBLIC_BASE_URL") + "/u/";
    std::set<std::string> recipients;
    for (const auto& mail : received["recorded"]) {
        const auto link = mail["list_unsubscribe"].get<std::string>();
        EXPECT_EQ(mail["list_unsubscribe_post"], "List-Unsubscribe=One-Click");
        ASSERT_EQ(link.rfind(prefix, 0), 0u) << link;
        const auto subject =
            domain::VerifyUnsubscribeToken(link.substr(prefix.size(), link.size() - prefix.size() - 1), keys);
        ASSERT_TRUE(subject) << link;
        EXPECT_EQ(subject->campaign_id, email);
        EXPECT_EQ(db_.Value("SELECT user_ref FROM campaign_targets WHERE id=" + std::to_string(subject->target_id)),
                  mail["to"].get<std::string>());
        recipients.insert(mail["to"].get<std::string>());
    }
    EXPECT_EQ(recipients.size(), static_cast<std::size_t>(kMails));
}

}  // namespace
}  // namespace bulkmsg
