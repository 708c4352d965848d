// The simulator's feedback loop without sockets: the plan's exact counts, the webhook payloads and their
// signatures (checked with bulkmsg's own verifiers), batching, ordering, retries and the report.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "domain/providers/http_codec.hpp"
#include "domain/providers/webhook_signature.hpp"
#include "feedback_loop.hpp"
#include "provider_answers.hpp"
#include "provider_simulator.hpp"
#include "support/sim_requests.hpp"
#include "support/test_keys.hpp"

namespace bulkmsg::sim {
namespace {

using testing::RequestHeader;

FeedbackRates MixedRates() {
    return {.bounce = 0.02,
            .dropped = 0.01,
            .deferred = 0.05,
            .spamreport = 0.003,
            .open = 0.3,
            .click = 0.1,
            .duplicates = 0.02,
            .out_of_order = 0.03,
            .sms_undelivered = 0.05,
            .sms_failed = 0.02,
            .sms_stop = 0.01};
}

TEST(FeedbackPlanTest, CountsAreExactPerBlockOfAThousand) {
    FeedbackPlanner planner(MixedRates(), 42);
    std::map<std::string, int> mail, sms;
    for (int i = 0; i < 2000; ++i) {
        const auto m = planner.NextMail();
        ++mail[std::string(kMailOutcomeNames.Of(m.outcome))];
        mail["deferred"] += m.deferred;
        mail["opened"] += m.opened;
        mail["clicked"] += m.clicked;
        mail["duplicate"] += m.duplicate;
        mail["out_of_order"] += m.out_of_order;
        EXPECT_FALSE((m.opened || m.deferred) &&
                     (m.outcome == MailOutcome::kBounced || m.outcome == MailOutcome::kDropped));
        EXPECT_TRUE(!m.clicked || m.opened) << "clicks are on opened mail";
        const auto s = planner.NextSms();
        ++sms[std::string(kSmsOutcomeNames.Of(s.outcome))];
        sms["stop"] += s.stop;
    }
    EXPECT_EQ(mail, (std::map<std::string, int>{{"bounced", 40},
                                                {"dropped", 20},
                                                {"complained", 6},
                                                {"delivered", 1934},
                                                {"deferred", 100},
                                                {"opened", 600},
                                                {"clicked", 200},
                                                {"duplicate", 40},
                                                {"out_of_order", 60}}));
    EXPECT_EQ(sms,
              (std::map<std::string, int>{{"undelivered", 100}, {"failed", 40}, {"delivered", 1860}, {"stop", 20}}));
}

TEST(FeedbackPlanTest, DeterministicForASeed) {
    auto outcomes = [](std::uint64_t seed) {
        FeedbackPlanner planner(MixedRates(), seed);
        std::string trace;
        for (int i = 0; i < 1500; ++i) {
            const auto m = planner.NextMail();
            trace += static_cast<char>('0' + static_cast<int>(m.outcome) + 4 * m.opened + 8 * m.duplicate);
        }
        return trace;
    };
    EXPECT_EQ(outcomes(7), outcomes(7));
    EXPECT_NE(outcomes(7), outcomes(8));
}

TEST(FeedbackPlanTest, RejectsImpossibleRates) {
    auto rates = MixedRates();
    rates.bounce = 1.5;
    EXPECT_THROW(ValidateRates(rates), std::invalid_argument);
    rates = MixedRates();
    rates.bounce = 0.6;
    rates.dropped = 0.3;
    rates.open = 0.2;
    EXPECT_THROW(ValidateRates(rates), std::invalid_argument) << "opens exceed the delivered share";
    rates.open = 0.1;
    EXPECT_NO_THROW(ValidateRates(rates));
}

TEST(FeedbackEventsTest, SendgridEventsCarryCustomArgsInTrueOrderUnlessOutOfOrder) {
    FeedbackIds ids(1);
    const AcceptedMail mail{"a@example.com", "simX", {{"outbox_id", "17"}, {"idempotency_key", "k17"}, {"event", "x"}}};
    MailFate fate;
    fate.deferred = true;
    fate.opened = true;
    auto events = SendgridEvents(mail, fate, 1'800'000'000, ids);
    std::vector<std::string> types;
    std::set<std::string> event_ids;
    for (const auto& e : events) {
        types.push_back(e.event["event"]);
        event_ids.insert(e.event["sg_event_id"].get<std::string>());
        EXPECT_EQ(e.event["outbox_id"], "17");
        EXPECT_EQ(e.event["idempotency_key"], "k17");
        EXPECT_EQ(e.event["email"], "a@example.com");
        EXPECT_EQ(e.event["timestamp"], 1'800'000'000);
        EXPECT_EQ(e.event["sg_event_id"].get<std::string>().size(), 22u);
    }
    EXPECT_EQ(types, (std::vector<std::string>{"processed", "deferred", "delivered", "open"}));
    EXPECT_EQ(event_ids.size(), 4u);
    EXPECT_EQ(events[2].item.tags, (std::vector<std::string>{"delivered", "deferred"}));

    fate = {MailOutcome::kBounced, false, false, false, true, true};
    events = SendgridEvents(mail, fate, 1'800'000'000, ids);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].event["event"], "bounce") << "out of order: the bounce before processed";
    EXPECT_EQ(events[0].event["type"], "bounce");
    EXPECT_EQ(events[1].event["event"], "processed");
    EXPECT_TRUE(events[2].later && events[2].item.duplicate);
    EXPECT_EQ(events[2].event, events[0].event) << "a re-delivered copy keeps its sg_event_id";
    EXPECT_EQ(events[0].item.tags, (std::vector<std::string>{"bounced", "out_of_order", "duplicated"}));
}

TEST(FeedbackEventsTest, TwilioCallbacksAndStop) {
    FeedbackIds ids(1);
    const AcceptedSms sms{"SM1", "AC1", "+14155550100", "+15005550006", ""};
    SmsFate fate{SmsOutcome::kUndelivered, true, true, true};
    const auto posts = TwilioCallbacks(sms, fate, "http://127.0.0.1:3000", {}, ids);
    std::vector<std::string> types;
    for (const auto& p : posts) {
        types.push_back(p.item.type);
    }
    EXPECT_EQ(types, (std::vector<std::string>{"undelivered", "sent", "undelivered", "stop"}));
    EXPECT_EQ(posts[0].url, "http://127.0.0.1:3000/webhooks/twilio/status");
    EXPECT_EQ(FormValue(posts[0].form, "ErrorCode"), "30006");
    EXPECT_EQ(FormValue(posts[0].form, "MessageSid"), "SM1");
    EXPECT_TRUE(posts[2].item.duplicate);
    EXPECT_EQ(posts[2].idempotency_token, posts[0].idempotency_token);
    EXPECT_EQ(posts[3].url, "http://127.0.0.1:3000/webhooks/twilio/inbound");
    EXPECT_EQ(FormValue(posts[3].form, "From"), "+14155550100");
    EXPECT_EQ(FormValue(posts[3].form, "Body"), "STOP");
    const auto failed =
        TwilioCallbacks({"SM2", "AC1", "+1", "+2", "https://x.test/cb"}, {SmsOutcome::kFailed}, "", {}, ids);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].url, "https://x.test/cb") << "the message's StatusCallback wins";
    EXPECT_EQ(FormValue(failed[0].form, "MessageStatus"), "failed");
}

TEST(WebhookSignerTest, SendgridBatchVerifiesWithTheMatchingPublicKeyOnly) {
    const auto keys = testing::GenerateEcKey();
    const SendgridSigner signer(keys.private_pem);
    const std::string body = R"([{"email":"a@example.com","event":"delivered"}])";
    const auto request = SendgridWebhookRequest(signer, "http://h/webhooks/sendgrid", body, 1'800'000'000);
    const auto signature = RequestHeader(request, "X-Twilio-Email-Event-Webhook-Signature");
    const auto timestamp = RequestHeader(request, "X-Twilio-Email-Event-Webhook-Timestamp");
    const auto public_key = signer.PublicKeyBase64();
    EXPECT_TRUE(public_key.starts_with("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"));
    EXPECT_EQ(timestamp, "1800000000");
    EXPECT_EQ(request.body, body);
    EXPECT_TRUE(domain::VerifySendgridEventSignature(public_key, signature, timestamp, request.body));
    auto flipped = request.body;
    flipped[5] ^= 1;
    EXPECT_FALSE(domain::VerifySendgridEventSignature(public_key, signature, timestamp, flipped));
    EXPECT_FALSE(domain::VerifySendgridEventSignature(public_key, signature, "1800000001", request.body));
    const SendgridSigner other(testing::GenerateEcKey().private_pem);
    EXPECT_FALSE(domain::VerifySendgridEventSignature(other.PublicKeyBase64(), signature, timestamp, request.body));
    EXPECT_THROW(SendgridSigner(testing::GenerateRsaKey().private_pem), std::invalid_argument);
}

TEST(WebhookSignerTest, TwilioCallbackVerifiesForItsUrlAndToken) {
    TwilioPost post;
    post.item.type = "delivered";
    post.url = "http://127.0.0.1:3000/webhooks/twilio/status";
    post.form = {{"MessageSid", "SM1"}, {"MessageStatus", "delivered"}, {"To", "+14155550100"}};
    post.idempotency_token = "tok1";
    const auto request = TwilioWebhookRequest("secret", post);
    const auto signature = RequestHeader(request, "X-Twilio-Signature");
    const auto form = domain::ParseForm(request.body);
    EXPECT_EQ(RequestHeader(request, "Content-Type"), "application/x-www-form-urlencoded");
    EXPECT_TRUE(domain::VerifyTwilioSignature("secret", post.url, form, signature));
    EXPECT_FALSE(domain::VerifyTwilioSignature("other", post.url, form, signature));
    EXPECT_FALSE(
        domain::VerifyTwilioSignature("secret", "http://127.0.0.1:3000/webhooks/twilio/inbound", form, signature));
}

}  // namespace
}  // namespace bulkmsg::sim
