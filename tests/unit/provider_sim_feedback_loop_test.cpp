// The feedback loop behind the ProviderSimulator, driven by a fake clock and a fake sender: batching, signed
// posts, per-message ordering of Twilio callbacks, retries of unacknowledged posts, and the /_sim/stats report.
#include <gtest/gtest.h>

#include "domain/providers/http_codec.hpp"
#include "domain/providers/webhook_signature.hpp"
#include "feedback_loop.hpp"
#include "provider_answers.hpp"
#include "provider_simulator.hpp"
#include "support/sim_requests.hpp"
#include "support/test_keys.hpp"

namespace bulkmsg::sim {
namespace {

using std::chrono::milliseconds;

using testing::Post;

using testing::RequestHeader;

class FeedbackLoopTest : public ::testing::Test {
protected:
    TimePoint now_{std::chrono::seconds(1'800'000'000)};
    testing::PemKeyPair keys_ = testing::GenerateEcKey();
    SimState state_{7};
    std::unique_ptr<FeedbackLoop> loop_;
    std::unique_ptr<ProviderSimulator> sim_;

    void Start(FeedbackRates rates, std::size_t batch_events = 1000) {
        FeedbackSettings settings;
        settings.webhook_url = "http://127.0.0.1:3000";
        settings.sendgrid_private_key_pem = keys_.private_pem;
        settings.twilio_auth_token = "tok";
        settings.rates = rates;
        settings.batch_events = batch_events;
        loop_ = std::make_unique<FeedbackLoop>(settings, [this] { return now_; });
        sim_ = std::make_unique<ProviderSimulator>(
            SimCredentials{"SG.k", "AC1", "tok", "", 3600, "", "", ""}, state_, [this] { return now_; }, loop_.get());
    }
    void Mail(int outbox_id) {
        const nlohmann::json body = {
            {"personalizations", {{{"to", {{{"email", "u" + std::to_string(outbox_id) + "@example.com"}}}}}}},
            {"from", {{"email", "b@example.com"}}},
            {"subject", "s"},
            {"content", {{{"type", "text/plain"}, {"value", "v"}}}},
            {"custom_args", {{"outbox_id", std::to_string(outbox_id)}, {"idempotency_key", "k"}}}};
        ASSERT_EQ(sim_->HandleHttp(Post("/v3/mail/send", body.dump(),
                                        {{"authorization", "Bearer SG.k"}, {"content-type", "application/json"}}))
                      .status,
                  202u);
    }
    void Sms(const std::string& to) {
        const auto body = domain::FormEncode({{"To", to}, {"From", "+15005550006"}, {"Body", "hi"}});
        ASSERT_EQ(sim_->HandleHttp(Post("/2010-04-01/Accounts/AC1/Messages.json", body,
                                        {{"authorization", "Basic " + domain::Base64Encode("AC1:tok")},
                                         {"content-type", "application/x-www-form-urlencoded"}}))
                      .status,
                  201u);
    }
    nlohmann::json Report() {
        app::HttpRequest r;
        r.method = "GET";
        r.path = "/_sim/stats";
        return nlohmann::json::parse(sim_->HandleHttp(r).body)["feedback"];
    }
    /// Answers every due job with `status` until none is due; returns how many were answered.
    int AnswerAll(long status) {
        int answered = 0;
        for (auto jobs = loop_->TakeDue(100); !jobs.empty(); jobs = loop_->TakeDue(100)) {
            for (const auto& job : jobs) {
                loop_->Finish(job.id, status, "");
                ++answered;
            }
        }
        return answered;
    }
};

TEST_F(FeedbackLoopTest, SendgridBatchLeavesWhenAgedOrFullSignedAndRetriedUntilAcknowledged) {
    Start({}, 3);
    Mail(1);
    EXPECT_TRUE(loop_->TakeDue(10).empty()) << "two events wait for their batch";
    now_ += milliseconds(200);
    auto jobs = loop_->TakeDue(10);
    ASSERT_EQ(jobs.size(), 1u);
    const auto request = jobs[0].request;
    EXPECT_EQ(request.url, "http://127.0.0.1:3000/webhooks/sendgrid");
    const auto public_key = SendgridSigner(keys_.private_pem).PublicKeyBase64();
    EXPECT_TRUE(domain::VerifySendgridEventSignature(
        public_key, RequestHeader(request, "X-Twilio-Email-Event-Webhook-Signature"),
        RequestHeader(request, "X-Twilio-Email-Event-Webhook-Timestamp"), request.body));
    const auto events = nlohmann::json::parse(request.body);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0]["event"], "processed");
    EXPECT_EQ(events[1]["event"], "delivered");
    EXPECT_EQ(events[1]["outbox_id"], "1");

    loop_->Finish(jobs[0].id, 503, "");
    EXPECT_EQ(loop_->Pending(), 2u);
    EXPECT_EQ(Report()["sendgrid"]["events"], 0);
    EXPECT_TRUE(loop_->TakeDue(10).empty()) << "the retry waits";
    now_ += milliseconds(250);
    jobs = loop_->TakeDue(10);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].request.body, request.body) << "a retry re-sends the same batch";
    loop_->Finish(jobs[0].id, 200, "");
    Mail(2);
    Mail(3);
    EXPECT_EQ(loop_->TakeDue(10).size(), 1u) << "three events fill a batch at once";
    const auto report = Report();
    EXPECT_EQ(report["pending"], 4);
    EXPECT_EQ(report["attempts"], 2);
    EXPECT_EQ(report["failed_attempts"], 1);
    EXPECT_EQ(report["last_error"], "HTTP 503");
    EXPECT_EQ(report["sendgrid"]["events"], 2);
    EXPECT_EQ(report["sendgrid"]["by_type"]["delivered"], 1);
    EXPECT_EQ(report["sendgrid"]["messages"]["delivered"], 1);
}

TEST_F(FeedbackLoopTest, ADuplicateTravelsInALaterBatch) {
    Start({.duplicates = 1.0});
    Mail(1);
    now_ += milliseconds(200);
    auto jobs = loop_->TakeDue(10);
    ASSERT_EQ(jobs.size(), 1u);
    const auto first = nlohmann::json::parse(jobs[0].request.body);
    EXPECT_EQ(first.size(), 2u);
    loop_->Finish(jobs[0].id, 200, "");
    EXPECT_EQ(loop_->Pending(), 1u);
    now_ += milliseconds(400);
    jobs = loop_->TakeDue(10);
    ASSERT_EQ(jobs.size(), 1u);
    const auto second = nlohmann::json::parse(jobs[0].request.body);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0], first[1]) << "the delivered event again, same sg_event_id";
    loop_->Finish(jobs[0].id, 200, "");
    const auto report = Report();
    EXPECT_EQ(report["sendgrid"]["events"], 2);
    EXPECT_EQ(report["sendgrid"]["duplicates"], 1);
    EXPECT_EQ(report["sendgrid"]["posts"], 2);
}

TEST_F(FeedbackLoopTest, TwilioCallbacksOfAMessageGoOneAfterTheOther) {
    FeedbackRates rates;
    rates.sms_stop = 1.0;
    Start(rates);
    Sms("+14155550100");
    auto jobs = loop_->TakeDue(10);
    ASSERT_EQ(jobs.size(), 1u);
    const auto form = domain::ParseForm(jobs[0].request.body);
    EXPECT_EQ(FormValue(form, "MessageStatus"), "sent");
    EXPECT_TRUE(domain::VerifyTwilioSignature("tok", jobs[0].request.url, form,
                                              RequestHeader(jobs[0].request, "X-Twilio-Signature")));
    EXPECT_TRUE(loop_->TakeDue(10).empty()) << "delivered waits for sent's answer";
    loop_->Finish(jobs[0].id, 204, "");
    jobs = loop_->TakeDue(10);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(FormValue(domain::ParseForm(jobs[0].request.body), "MessageStatus"), "delivered");
    loop_->Finish(jobs[0].id, 0, "connection refused");
    now_ += milliseconds(250);
    EXPECT_EQ(AnswerAll(200), 2) << "delivered again, then the STOP";
    const auto report = Report();
    EXPECT_EQ(report["twilio"]["callbacks"], 2);
    EXPECT_EQ(report["twilio"]["stops"], 1);
    EXPECT_EQ(report["twilio"]["by_status"]["delivered"], 1);
    EXPECT_EQ(report["twilio"]["messages"]["stopped"], 1);
    EXPECT_EQ(report["last_error"], "connection refused");
    EXPECT_EQ(report["pending"], 0);
}

TEST_F(FeedbackLoopTest, ReportCountsWhatWasAcknowledgedExactly) {
    Start({.bounce = 0.1,
           .dropped = 0.05,
           .spamreport = 0.01,
           .open = 0.2,
           .duplicates = 0.1,
           .out_of_order = 0.1,
           .sms_undelivered = 0.1});
    for (int i = 0; i < 1000; ++i) {
        Mail(i);
        Sms("+1415555" + std::to_string(1000 + i));
    }
    now_ += milliseconds(400);
    AnswerAll(200);
    now_ += milliseconds(400);
    AnswerAll(200);
    const auto report = Report();
    EXPECT_EQ(report["pending"], 0);
    const auto& messages = report["sendgrid"]["messages"];
    EXPECT_EQ(messages["bounced"], 100);
    EXPECT_EQ(messages["dropped"], 50);
    EXPECT_EQ(messages["complained"], 10);
    EXPECT_EQ(messages["delivered"], 840);
    EXPECT_EQ(messages["opened"], 200);
    EXPECT_EQ(messages["duplicated"], 100);
    const auto& by_type = report["sendgrid"]["by_type"];
    EXPECT_EQ(by_type["processed"], 950) << "dropped mail is never processed";
    EXPECT_EQ(by_type["delivered"], 850);
    EXPECT_EQ(by_type["spamreport"], 10);
    EXPECT_EQ(report["sendgrid"]["duplicates"], 100);
    EXPECT_EQ(report["sendgrid"]["events"], 950 + 850 + 100 + 50 + 10 + 200);
    EXPECT_EQ(report["twilio"]["messages"]["undelivered"], 100);
    EXPECT_EQ(report["twilio"]["by_status"]["sent"], 1000);
    EXPECT_EQ(report["twilio"]["duplicates"], 100);

    app::HttpRequest reset = Post("/_sim/reset", "{}", {});
    sim_->HandleHttp(reset);
    EXPECT_EQ(Report()["sendgrid"]["events"], 0);
}

TEST(ProviderSimulatorFeedbackTest, ReportSaysFeedbackIsOffWithoutALoop) {
    SimState state(1);
    ProviderSimulator sim({}, state, [] { return TimePoint{}; });
    app::HttpRequest r;
    r.method = "GET";
    r.path = "/_sim/stats";
    EXPECT_EQ(nlohmann::json::parse(sim.HandleHttp(r).body)["feedback"], (nlohmann::json{{"enabled", false}}));
}

}  // namespace
}  // namespace bulkmsg::sim
