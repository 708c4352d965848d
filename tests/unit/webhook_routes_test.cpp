// The webhook routes against the in-memory feedback store: signatures, timestamps, content types, limits and what
// a batch changes (states, suppressions, duplicates).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/webhook_routes.hpp"
#include "domain/providers/webhook_signature.hpp"
#include "support/fake_clock.hpp"
#include "support/in_memory_feedback_store.hpp"
#include "support/webhook_signing.hpp"

namespace bulkmsg::api {
namespace {

using domain::DeliveryStatus;
using nlohmann::json;

constexpr const char* kBase = "https://bulkmsg.example";
constexpr const char* kToken = "twilio-token";

class WebhookRoutesTest : public ::testing::Test {
protected:
    WebhookRoutesTest() {
        store_.AddRow({1, 10, domain::Channel::kEmail, "a@example.com", "key1", "", DeliveryStatus::kAccepted, {}});
        store_.AddRow({2, 10, domain::Channel::kEmail, "b@example.com", "key2", "", DeliveryStatus::kAccepted, {}});
        store_.AddRow({3, 11, domain::Channel::kSms, "+15550003", "key3", "SM3", DeliveryStatus::kAccepted, {}});
    }

    app::HttpResponse SendgridCall(const std::string& body, std::int64_t age_seconds = 0, bool forge = false) {
        const auto ts = std::to_string(domain::EpochSeconds(clock_.Now()) - age_seconds);
        auto signature = signer_.Sign(ts, body);
        if (forge) {
            signature = other_.Sign(ts, body);
        }
        return routes_.Handle({"POST",
                               "/webhooks/sendgrid",
                               "",
                               {{"content-type", "application/json"},
                                {"x-twilio-email-event-webhook-signature", signature},
                                {"x-twilio-email-event-webhook-timestamp", ts}},
                               body});
    }

    app::HttpResponse TwilioCall(const std::string& path, const domain::FormFields& fields,
                                 const std::string& signed_url = "") {
        const auto url = signed_url.empty() ? std::string(kBase) + path : signed_url;
        return routes_.Handle({"POST",
                               path,
                               "",
                               {{"content-type", "application/x-www-form-urlencoded"},
                                {"x-twilio-signature", domain::TwilioSignature(kToken, url, fields)}},
                               domain::FormEncode(fields)});
    }

    static std::string Event(const std::string& id, const std::string& type, int outbox,
                             const std::string& extra = "") {
        return R"({"event":")" + type + R"(","sg_event_id":")" + id + R"(","timestamp":1800000000,"email":"x@y",)" +
               R"("outbox_id":")" + std::to_string(outbox) + R"(","idempotency_key":"key)" + std::to_string(outbox) +
               "\"" + extra + "}";
    }

    testing::SendgridSigner signer_;
    testing::SendgridSigner other_;
    testing::InMemoryFeedbackStore store_;
    testing::FakeClock clock_;
    app::FeedbackIngest ingest_{store_};
    WebhookRoutes routes_{ingest_, clock_, {signer_.PublicKey(), kToken, kBase, std::chrono::seconds(600), 4096}};
};

TEST_F(WebhookRoutesTest, SignedSendgridBatchMovesStatesAndSuppresses) {
    const auto body = "[" + Event("e1", "delivered", 1) + "," + Event("e2", "bounce", 2, R"(,"type":"bounce")") + "," +
                      Event("e3", "deferred", 1) + "," + Event("e4", "open", 1) + "]";
    const auto response = SendgridCall(body);
    ASSERT_EQ(response.status, 200u) << response.body;
    EXPECT_EQ(json::parse(response.body)["stored"], 4);
    EXPECT_EQ(store_.Row(1).status, DeliveryStatus::kDelivered);
    EXPECT_EQ(store_.Row(1).delivered_at, domain::TimePoint(std::chrono::seconds(1'800'000'000)));
    EXPECT_EQ(store_.Row(2).status, DeliveryStatus::kBounced);
    ASSERT_EQ(store_.suppressions.size(), 1u);
    const auto& s = store_.suppressions.begin()->second;
    EXPECT_EQ(s.address, "b@example.com");
    EXPECT_EQ(s.cause.source, "sendgrid:bounce");
    EXPECT_EQ(s.outbox_id, 2u);
    EXPECT_EQ(s.campaign_id, 10u);
    EXPECT_EQ(store_.EventsOf(1)->size(), 3u);  // delivered, deferred, open

    const auto again = SendgridCall(body);  // SendGrid retrying: nothing changes twice
    EXPECT_EQ(json::parse(again.body)["duplicates"], 4);
    EXPECT_EQ(store_.stored_events, 4u);
}

TEST_F(WebhookRoutesTest, AMismatchedIdempotencyKeyMatchesNoRow) {
    const auto body = "[" + Event("e1", "spamreport", 1, R"(,"idempotency_key":"other")") + "]";
    // the duplicate key in the object: nlohmann keeps the last one
    const auto response = SendgridCall(body);
    ASSERT_EQ(response.status, 200u) << response.body;
    EXPECT_EQ(json::parse(response.body)["unmatched"], 1);
    EXPECT_EQ(store_.Row(1).status, DeliveryStatus::kAccepted);
    EXPECT_TRUE(store_.suppressions.empty());
}

TEST_F(WebhookRoutesTest, RefusalsWriteNothing) {
    const auto body = "[" + Event("e1", "delivered", 1) + "]";
    EXPECT_EQ(SendgridCall(body, 0, true).status, 401u);  // forged
    EXPECT_EQ(SendgridCall(body, 601).status, 401u);      // replayed old timestamp
    EXPECT_EQ(SendgridCall("[" + std::string(5000, ' ') + "]").status, 413u);
    const auto malformed = SendgridCall(R"([{"event":"open","timestamp":1}])");
    EXPECT_EQ(malformed.status, 400u);
    EXPECT_EQ(json::parse(malformed.body)["error"]["details"][0]["field"], "[0].sg_event_id");
    auto wrong_type = routes_.Handle({"POST", "/webhooks/sendgrid", "", {{"content-type", "text/plain"}}, body});
    EXPECT_EQ(wrong_type.status, 415u);
    EXPECT_EQ(TwilioCall("/webhooks/twilio/status", {{"MessageSid", "SM3"}, {"MessageStatus", "delivered"}},
                         "https://elsewhere.example/webhooks/twilio/status")
                  .status,
              401u);
    EXPECT_EQ(store_.stored_events, 0u);
    EXPECT_EQ(store_.Row(1).status, DeliveryStatus::kAccepted);
    EXPECT_EQ(json::parse(SendgridCall(body, 0, true).body)["error"]["code"], "unauthorized");
}

TEST_F(WebhookRoutesTest, TwilioStatusAndKeywords) {
    const auto status = TwilioCall("/webhooks/twilio/status",
                                   {{"MessageSid", "SM3"}, {"MessageStatus", "undelivered"}, {"ErrorCode", "30006"}});
    ASSERT_EQ(status.status, 200u) << status.body;
    EXPECT_EQ(store_.Row(3).status, DeliveryStatus::kUndelivered);
    EXPECT_EQ(store_.suppressions.begin()->second.cause.source, "twilio:undelivered");
    store_.suppressions.clear();

    const auto stop =
        TwilioCall("/webhooks/twilio/inbound", {{"MessageSid", "SMin1"}, {"From", "+1555"}, {"Body", "stop"}});
    EXPECT_EQ(stop.status, 200u);
    EXPECT_EQ(stop.content_type, "text/xml");
    EXPECT_EQ(stop.body, "<Response/>");
    ASSERT_EQ(store_.suppressions.size(), 1u);
    EXPECT_EQ(store_.suppressions.begin()->second.cause.source, "twilio:stop");
    TwilioCall("/webhooks/twilio/inbound", {{"MessageSid", "SMin2"}, {"From", "+1555"}, {"Body", "START"}});
    EXPECT_TRUE(store_.suppressions.empty());
}

TEST_F(WebhookRoutesTest, ACallbackAheadOfItsSidIsMatchedLaterWithinTheWindowOnly) {
    TwilioCall("/webhooks/twilio/status", {{"MessageSid", "SM4"}, {"MessageStatus", "delivered"}});
    TwilioCall("/webhooks/twilio/status", {{"MessageSid", "SM5"}, {"MessageStatus", "delivered"}});
    EXPECT_EQ(ingest_.MatchLate(clock_.Now()).matched, 0u);
    store_.AddRow({4, 11, domain::Channel::kSms, "+15550004", "key4", "SM4", DeliveryStatus::kAccepted, {}});
    EXPECT_EQ(ingest_.MatchLate(clock_.Now()).matched, 1u);
    EXPECT_EQ(store_.Row(4).status, DeliveryStatus::kDelivered);
    EXPECT_EQ(ingest_.MatchLate(clock_.Now()).matched, 0u) << "matched once";
    // SM5's row appears after the window: its callback stays unmatched.
    store_.AddRow({5, 11, domain::Channel::kSms, "+15550005", "key5", "SM5", DeliveryStatus::kAccepted, {}});
    clock_.Advance(app::FeedbackIngest::kLateMatchWindow + std::chrono::seconds(1));
    EXPECT_EQ(ingest_.MatchLate(clock_.Now()).matched, 0u);
    EXPECT_EQ(store_.Row(5).status, DeliveryStatus::kAccepted);
}

TEST(WebhookRoutesOffTest, UnconfiguredWebhooksAnswer404) {
    testing::InMemoryFeedbackStore store;
    testing::FakeClock clock;
    app::FeedbackIngest ingest(store);
    WebhookRoutes routes(ingest, clock, {"", "token", "", std::chrono::seconds(600), 4096});
    EXPECT_EQ(routes.Handle({"POST", "/webhooks/sendgrid", "", {}, "[]"}).status, 404u);
    EXPECT_EQ(routes.Handle({"POST", "/webhooks/twilio/status", "", {}, ""}).status, 404u);  // no PUBLIC_BASE_URL
    const auto enabled = routes.Enabled();
    EXPECT_EQ(enabled, (std::vector<std::pair<std::string, bool>>{{"sendgrid", false}, {"twilio", false}}));
}

}  // namespace
}  // namespace bulkmsg::api
