#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "domain/delivery_status.hpp"
#include "domain/feedback_event.hpp"
#include "domain/providers/webhook_events.hpp"
#include "domain/providers/webhook_signature.hpp"

namespace bulkmsg::domain {
namespace {

using E = DeliveryEventType;
using S = DeliveryStatus;

std::optional<S> Fold(std::initializer_list<E> events) {
    std::optional<S> state = S::kAccepted;
    for (const auto e : events) {
        state = ApplyDeliveryEvent(state, e);
    }
    return state;
}

TEST(DeliveryStateTest, LateDeferredNeverOverwritesDelivered) {
    EXPECT_EQ(Fold({E::kDeferred, E::kDelivered}), S::kDelivered);
    EXPECT_EQ(Fold({E::kDelivered, E::kDeferred}), S::kDelivered);
}

TEST(DeliveryStateTest, ComplainedWinsOverDelivered) {
    EXPECT_EQ(Fold({E::kDelivered, E::kSpamReport}), S::kComplained);
    EXPECT_EQ(Fold({E::kSpamReport, E::kDelivered}), S::kComplained);
}

TEST(DeliveryStateTest, OpensClicksAndUnsubscribesChangeNothing) {
    EXPECT_EQ(Fold({E::kDelivered, E::kOpen, E::kClick, E::kUnsubscribe, E::kGroupResubscribe}), S::kDelivered);
    EXPECT_EQ(ApplyDeliveryEvent(std::nullopt, E::kOpen), std::nullopt);
}

TEST(DeliveryStateTest, EveryOrderOfTheSameEventsEndsInTheSameState) {
    std::vector<E> events = {E::kProcessed, E::kDeferred, E::kDelivered, E::kBounce, E::kOpen};
    std::sort(events.begin(), events.end());
    do {
        std::optional<S> state;
        for (const auto e : events) {
            state = ApplyDeliveryEvent(state, e);
            state = ApplyDeliveryEvent(state, e);  // a duplicate changes nothing
        }
        EXPECT_EQ(state, S::kBounced);
    } while (std::next_permutation(events.begin(), events.end()));
}

TEST(DeliveryStateTest, AnEventBeforeTheAcceptanceStillCounts) {
    EXPECT_EQ(ApplyDeliveryEvent(std::nullopt, E::kDelivered), S::kDelivered);
    EXPECT_EQ(ApplyDeliveryEvent(S::kDelivered, E::kProcessed), S::kDelivered);
    EXPECT_EQ(Fold({E::kSent, E::kFailed}), S::kUndelivered);
}

TEST(DeliveryStateTest, NamesRoundTrip) {
    for (const auto s : kAllDeliveryStatuses) {
        EXPECT_EQ(ParseDeliveryStatus(ToString(s)), s);
    }
    for (std::size_t i = 0; i < kDeliveryEventTypeCount; ++i) {
        const auto type = static_cast<E>(i);
        EXPECT_EQ(ParseDeliveryEventType(ToString(type)), type);
    }
}

TEST(SendgridEventsTest, ParsesTypesCustomArgsAndFields) {
    const auto events = ParseSendgridEvents(R"([
      {"email":"a@example.com","timestamp":1513299569,"event":"bounce","type":"bounce","sg_event_id":"e1",
       "sg_message_id":"m1.filter","reason":"500 unknown recipient","status":"5.0.0","outbox_id":"42",
       "idempotency_key":"k42"},
      {"email":"b@example.com","timestamp":1513299570,"event":"bounce","type":"blocked","sg_event_id":"e2"},
      {"email":"c@example.com","timestamp":1513299571,"event":"test_event","sg_event_id":"e3"},
      {"email":"d@example.com","timestamp":1513299572,"event":"open","sg_event_id":"e4","outbox_id":"x"}])");
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].type, E::kBounce);
    EXPECT_EQ(events[0].outbox_id, 42u);
    EXPECT_EQ(events[0].idempotency_key, "k42");
    EXPECT_EQ(events[0].reason, "500 unknown recipient");
    EXPECT_EQ(events[0].code, "5.0.0");
    EXPECT_EQ(events[0].occurred_at, TimePoint(std::chrono::seconds(1513299569)));
    EXPECT_EQ(events[1].type, E::kBlocked);
    EXPECT_EQ(events[2].type, E::kOpen);
    EXPECT_EQ(events[2].outbox_id, std::nullopt);
}

TEST(SendgridEventsTest, MalformedBodiesNameTheField) {
    const auto field_of = [](std::string_view body) {
        try {
            ParseSendgridEvents(body);
        } catch (const MalformedWebhook& e) {
            return e.Field();
        }
        return std::string("accepted");
    };
    EXPECT_EQ(field_of("{}"), "body");
    EXPECT_EQ(field_of("[1"), "body");
    EXPECT_EQ(field_of("[1]"), "[0]");
    EXPECT_EQ(field_of(R"([{"event":"open","timestamp":1}])"), "[0].sg_event_id");
    EXPECT_EQ(field_of(R"([{"event":"open","sg_event_id":"a","timestamp":"1"}])"), "[0].timestamp");
    EXPECT_EQ(field_of("[]"), "accepted");
}

TEST(SendgridEventsTest, RawTextIsCut) {
    const std::string long_reason(10'000, 'x');
    const auto events =
        ParseSendgridEvents(R"([{"event":"dropped","timestamp":1,"sg_event_id":"a","reason":")" + long_reason + "\"}]");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].raw.size(), kRawEventLimit);
    EXPECT_EQ(events[0].reason.size(), 512u);
}

TEST(SmsKeywordTest, WholeTrimmedBodyCaseInsensitive) {
    for (const auto* stop :
         {"STOP", "stop", " StopAll \n", "unsubscribe", "cancel", "END", "quit", "revoke", "OptOut"}) {
        EXPECT_EQ(SmsKeywordOf(stop), SmsKeyword::kStop) << stop;
    }
    for (const auto* start : {"START", "yes", " unstop "}) {
        EXPECT_EQ(SmsKeywordOf(start), SmsKeyword::kStart) << start;
    }
    for (const auto* other : {"please stop", "STOP!", "", "stopp", "no"}) {
        EXPECT_EQ(SmsKeywordOf(other), SmsKeyword::kNone) << other;
    }
}

TEST(TwilioEventsTest, StatusCallbacksAndInboundKeywords) {
    const auto now = TimePoint(std::chrono::seconds(1000));
    const auto failed = ParseTwilioStatus(
        {{"MessageSid", "SM1"}, {"MessageStatus", "undelivered"}, {"ErrorCode", "30005"}, {"To", "+1555"}}, now);
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->type, E::kUndelivered);
    EXPECT_EQ(failed->provider_event_id, "SM1:undelivered");
    EXPECT_EQ(failed->provider_msg_id, "SM1");
    EXPECT_EQ(failed->code, "30005");
    EXPECT_FALSE(ParseTwilioStatus({{"MessageSid", "SM1"}, {"MessageStatus", "queued"}}, now));
    EXPECT_THROW(ParseTwilioStatus({{"MessageStatus", "sent"}}, now), MalformedWebhook);

    const auto stop = ParseTwilioInbound({{"MessageSid", "SM9"}, {"From", "+1555"}, {"Body", " Stop "}}, now);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->type, E::kStop);
    EXPECT_EQ(stop->address, "+1555");
    EXPECT_FALSE(ParseTwilioInbound({{"MessageSid", "SM9"}, {"From", "+1555"}, {"Body", "hello"}}, now));
    EXPECT_THROW(ParseTwilioInbound({{"MessageSid", "SM9"}, {"Body", "STOP"}}, now), MalformedWebhook);
}

FeedbackEvent Event(std::string provider, E type, std::string reason = {}, std::string code = {}) {
    FeedbackEvent e;
    e.provider = std::move(provider);
    e.type = type;
    e.reason = std::move(reason);
    e.code = std::move(code);
    return e;
}

TEST(SuppressionRuleTest, WhichEventsSuppress) {
    EXPECT_EQ(SuppressionFor(Event("sendgrid", E::kBounce, "550 no such user", "5.1.1"))->source, "sendgrid:bounce");
    EXPECT_EQ(SuppressionFor(Event("sendgrid", E::kBounce, "550 no", "5.1.1"))->reason, "550 no (5.1.1)");
    for (const auto* reason : {"Bounced Address", "Invalid", "Spam Reporting Address", "Unsubscribed Address"}) {
        EXPECT_TRUE(SuppressionFor(Event("sendgrid", E::kDropped, reason))) << reason;
    }
    EXPECT_FALSE(SuppressionFor(Event("sendgrid", E::kDropped, "Spam Content")));
    EXPECT_TRUE(SuppressionFor(Event("sendgrid", E::kSpamReport)));
    EXPECT_TRUE(SuppressionFor(Event("sendgrid", E::kUnsubscribe)));
    EXPECT_TRUE(SuppressionFor(Event("sendgrid", E::kGroupUnsubscribe)));
    EXPECT_FALSE(SuppressionFor(Event("sendgrid", E::kBlocked, "421 try later")));
    EXPECT_FALSE(SuppressionFor(Event("sendgrid", E::kDeferred)));
    EXPECT_FALSE(SuppressionFor(Event("sendgrid", E::kOpen)));
    for (const auto* code : {"21610", "30004", "30005", "30006"}) {
        EXPECT_EQ(SuppressionFor(Event("twilio", E::kUndelivered, "", code))->source, "twilio:undelivered");
    }
    EXPECT_FALSE(SuppressionFor(Event("twilio", E::kUndelivered, "", "30003")));
    EXPECT_FALSE(SuppressionFor(Event("twilio", E::kFailed, "", "30007")));
    EXPECT_EQ(SuppressionFor(Event("twilio", E::kStop))->source, "twilio:stop");
    EXPECT_FALSE(SuppressionFor(Event("twilio", E::kStart)));
}

TEST(WebhookVectorsTest, TheDocumentedVectorsVerify) {
    std::ifstream file(std::string(BULKMSG_SOURCE_DIR) + "/docs/webhook-test-vectors.json");
    const auto vectors = nlohmann::json::parse(file);
    const auto& sg = vectors["sendgrid"];
    EXPECT_TRUE(VerifySendgridEventSignature(sg["public_key"].get<std::string>(), sg["signature"].get<std::string>(),
                                             sg["timestamp"].get<std::string>(), sg["body"].get<std::string>()));
    const auto& tw = vectors["twilio"];
    FormFields params;
    for (const auto& [name, value] : tw["params"].items()) {
        params.emplace_back(name, value.get<std::string>());
    }
    const auto token = tw["auth_token"].get<std::string>();
    const auto url = tw["url"].get<std::string>();
    EXPECT_EQ(TwilioSignature(token, url, params), tw["signature"].get<std::string>());
    EXPECT_TRUE(VerifyTwilioSignature(token, url, params, tw["signature_with_port_443"].get<std::string>()));
}

}  // namespace
}  // namespace bulkmsg::domain
