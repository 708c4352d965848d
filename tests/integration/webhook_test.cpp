// The feedback webhooks as deployed: a `bulkmsg api` process on a throw-away database, sent signed (and forged,
// replayed, oversized) provider requests over HTTP; rows counted in MariaDB.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/mysql/mysql_feedback_store.hpp"
#include "adapters/mysql/mysql_preparation_store.hpp"
#include "app/campaign_preparer.hpp"
#include "domain/providers/http_codec.hpp"
#include "domain/providers/webhook_signature.hpp"
#include "support/api_process.hpp"
#include "support/fake_clock.hpp"
#include "support/outbox_fixture.hpp"
#include "support/raw_http.hpp"
#include "support/response_log.hpp"
#include "support/webhook_signing.hpp"

namespace bulkmsg {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kBase = "https://hooks.bulkmsg.test";
constexpr const char* kToken = "twilio-test-token";

class WebhookTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::map<std::string, std::string> env = {{"DB_NAME", db_.Config().name},
                                                  {"SENDGRID_WEBHOOK_PUBLIC_KEY", signer_.PublicKey()},
                                                  {"SMS_AUTH_TOKEN", kToken},
                                                  {"PUBLIC_BASE_URL", kBase},
                                                  {"WEBHOOK_BODY_LIMIT_MB", "1"}};
        api_ = std::make_unique<testing::ApiProcess>(env);
        port_ = api_->port;
    }

    testing::RawHttpResponse Post(const std::string& path, const std::string& type, const std::string& headers,
                                  const std::string& body) {
        auto response =
            testing::SendRawHttp(port_, "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
                                            headers + "Content-Type: " + type +
                                            "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
        // JSON answers are checked against api/openapi.yaml (OpenApi.ResponsesMatchSchemas, which reads JSON only);
        // the inbound route's TwiML is checked by the tests themselves.
        if (response.body != "<Response/>") {
            testing::RecordResponse("POST", path, response);
        }
        return response;
    }

    testing::RawHttpResponse Sendgrid(const std::string& body, std::int64_t age = 0,
                                      const testing::SendgridSigner* signer = nullptr) {
        const auto ts = std::to_string(domain::EpochSeconds(domain::Clock::now()) - age);
        const auto signature = (signer ? signer : &signer_)->Sign(ts, body);
        return Post("/webhooks/sendgrid", "application/json",
                    "X-Twilio-Email-Event-Webhook-Signature: " + signature +
                        "\r\nX-Twilio-Email-Event-Webhook-Timestamp: " + ts + "\r\n",
                    body);
    }

    testing::RawHttpResponse Twilio(const std::string& path, const domain::FormFields& fields,
                                    const std::string& signed_base = kBase) {
        return Post(path, "application/x-www-form-urlencoded",
                    "X-Twilio-Signature: " + domain::TwilioSignature(kToken, signed_base + path, fields) + "\r\n",
                    domain::FormEncode(fields));
    }

    /// A SendGrid event for outbox row `id` (custom_args as bulkmsg sends them).
    std::string Event(const std::string& event_id, const std::string& type, std::uint64_t id,
                      const std::string& extra = "") {
        const auto key = db_.Value("SELECT idempotency_key FROM outbox WHERE id=" + std::to_string(id));
        auto event = Json{{"email", "x@example.com"}, {"timestamp", 1800000000},         {"event", type},
                          {"sg_event_id", event_id},  {"outbox_id", std::to_string(id)}, {"idempotency_key", key}};
        if (!extra.empty()) {
            event.update(Json::parse(extra));
        }
        return event.dump();
    }

    std::string Snapshot() {
        return db_.Value(
            "SELECT CONCAT((SELECT COUNT(*) FROM message_events), '/', (SELECT COUNT(*) FROM suppressions), '/', "
            "(SELECT COALESCE(GROUP_CONCAT(CONCAT(id, ':', COALESCE(delivery_status, '-'), ':', "
            "COALESCE(delivered_at, '-')) ORDER BY id), '') FROM outbox))");
    }

    /// "user_ref=status" of each outbox row of `campaign`, by address.
    std::string Rows(std::uint64_t campaign) {
        return db_.Value(
            "SELECT GROUP_CONCAT(CONCAT(user_ref, '=', status) ORDER BY user_ref) FROM outbox WHERE "
            "campaign_id=" +
            std::to_string(campaign));
    }

    testing::MigratedDatabase db_;
    testing::SendgridSigner signer_;
    unsigned short port_ = 0;
    std::unique_ptr<testing::ApiProcess> api_;
};

TEST_F(WebhookTest, SendgridBatchMovesStatesOnceWhateverTheOrderAndDuplicates) {
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 3, {{"status", "'sent'"}, {"delivery_status", "'accepted'"}});
    const auto body = "[" + Event("e1", "deferred", 1) + "," + Event("e2", "delivered", 1) + "," +
                      Event("e3", "bounce", 2, R"({"type":"bounce","reason":"550 5.1.1 no user","status":"5.1.1"})") +
                      "," + Event("e4", "bounce", 3, R"({"type":"blocked"})") + "," + Event("e5", "open", 1) + "]";
    const auto response = Sendgrid(body);
    ASSERT_EQ(response.status, 200u) << response.body;
    EXPECT_EQ(Json::parse(response.body)["stored"], 5);
    EXPECT_EQ(db_.Value("SELECT GROUP_CONCAT(delivery_status ORDER BY id) FROM outbox"), "delivered,bounced,bounced");
    EXPECT_EQ(db_.Value("SELECT delivered_at FROM outbox WHERE id=1"), "2027-01-15 08:00:00.000000");
    EXPECT_EQ(db_.Value("SELECT CONCAT(channel, '|', address, '|', source, '|', campaign_id, '|', outbox_id, '|', "
                        "reason) FROM suppressions"),
              "email|user2@example.com|sendgrid:bounce|" + std::to_string(campaign) + "|2|550 5.1.1 no user (5.1.1)");
    const auto before = Snapshot();

    // SendGrid retrying the batch, and a late deferred for the delivered row: nothing changes twice.
    const auto again = Sendgrid("[" + Event("e6", "deferred", 1) + "," + body.substr(1));
    ASSERT_EQ(again.status, 200u) << again.body;
    EXPECT_EQ(Json::parse(again.body)["duplicates"], 5);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM message_events"), "6");
    EXPECT_EQ(db_.Value("SELECT GROUP_CONCAT(delivery_status ORDER BY id) FROM outbox"), "delivered,bounced,bounced");
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM suppressions"), "1");
    EXPECT_NE(before, Snapshot());  // only the new event row

    // A spam report after delivery wins; an event with another row's key matches nothing.
    Sendgrid("[" + Event("e7", "spamreport", 1) + "," +
             Event("e8", "spamreport", 3, R"({"idempotency_key":"not-the-key"})") + "]");
    EXPECT_EQ(db_.Value("SELECT GROUP_CONCAT(delivery_status ORDER BY id) FROM outbox"), "complained,bounced,bounced");
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM message_events WHERE outbox_id IS NULL"), "1");

    // The first batch once more, every event a duplicate: stored 0, nothing moves.
    const auto snapshot = Snapshot();
    const auto replay = Sendgrid(body);
    EXPECT_EQ(Json::parse(replay.body)["stored"], 0);
    EXPECT_EQ(Json::parse(replay.body)["duplicates"], 5);
    EXPECT_EQ(Snapshot(), snapshot);
}

TEST_F(WebhookTest, ForgedReplayedMisaddressedAndOversizedRequestsWriteNothing) {
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 1,
                     {{"status", "'sent'"}, {"delivery_status", "'accepted'"}, {"provider_msg_id", "'SM1'"}});
    const auto body = "[" + Event("e1", "delivered", 1) + "]";
    const auto before = Snapshot();
    testing::SendgridSigner stranger;
    const auto forged = Sendgrid(body, 0, &stranger);
    EXPECT_EQ(forged.status, 401u);
    EXPECT_EQ(Json::parse(forged.body)["error"]["code"], "unauthorized");
    EXPECT_EQ(Sendgrid(body, 3600).status, 401u);
    EXPECT_EQ(Twilio("/webhooks/twilio/status", {{"MessageSid", "SM1"}, {"MessageStatus", "delivered"}},
                     "https://elsewhere.example")
                  .status,
              401u);
    const auto one = Event("e2", "delivered", 1);
    std::string huge = "[" + one;
    while (huge.size() < (1u << 20) + 10) {
        huge += "," + one;
    }
    EXPECT_EQ(Sendgrid(huge + "]").status, 413u);
    EXPECT_EQ(Post("/webhooks/sendgrid", "text/plain", "", body).status, 415u);
    EXPECT_EQ(Sendgrid("{\"not\":\"an array\"}").status, 400u);
    EXPECT_EQ(Snapshot(), before);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM message_events"), "0");

    const auto status = Twilio("/webhooks/twilio/status",
                               {{"MessageSid", "SM1"}, {"MessageStatus", "undelivered"}, {"ErrorCode", "30005"}});
    ASSERT_EQ(status.status, 200u) << status.body;
    EXPECT_EQ(db_.Value("SELECT delivery_status FROM outbox WHERE id=1"), "undelivered");
    EXPECT_EQ(db_.Value("SELECT source FROM suppressions"), "twilio:undelivered");
    const auto ready = testing::HttpGet(port_, "/ready");
    EXPECT_EQ(Json::parse(ready.body)["webhooks"], (Json{{"sendgrid", true}, {"twilio", true}}));
}

TEST_F(WebhookTest, StopSuppressesTheNumberInTheNextSmsCampaignAndStartLiftsIt) {
    // Prepares an SMS campaign to both numbers and says each row's status.
    std::uint64_t id = 0;
    const auto prepare_campaign = [&] {
        id = db_.InsertCampaign("preparing");
        db_.Sql().Execute("UPDATE campaigns SET kind='sms' WHERE id=" + std::to_string(id));
        db_.Sql().Execute("INSERT INTO campaign_targets (campaign_id, user_ref, kind) VALUES (" + std::to_string(id) +
                          ", '+15550001', 'sms'), (" + std::to_string(id) + ", '+15550002', 'sms')");
        mysql::MysqlPreparationStore store(db_.Config());
        app::CampaignPreparer preparer(store, {"noreply@example.com", "+15005550006"}, 1000);
        preparer.Prepare(id, domain::Clock::now());
        return Rows(id);
    };
    EXPECT_EQ(prepare_campaign(), "+15550001=pending,+15550002=pending");
    const auto running = id;
    db_.Sql().Execute("UPDATE campaigns SET status='running' WHERE id=" + std::to_string(running));

    const auto stop =
        Twilio("/webhooks/twilio/inbound", {{"MessageSid", "SMin1"}, {"From", "+15550001"}, {"Body", " stop "}});
    ASSERT_EQ(stop.status, 200u) << stop.body;
    EXPECT_EQ(stop.body, "<Response/>");
    EXPECT_EQ(db_.Value("SELECT CONCAT(channel, '|', address, '|', source) FROM suppressions"),
              "sms|+15550001|twilio:stop");
    // Opt-out everywhere: the number's unsent row in the running campaign is suppressed at once, and audited.
    EXPECT_EQ(Rows(running), "+15550001=suppressed,+15550002=pending");
    EXPECT_EQ(db_.Value("SELECT CONCAT(actor, '|', details) FROM campaign_events WHERE event='recipient_suppressed' "
                        "AND campaign_id=" +
                        std::to_string(running)),
              R"(twilio:stop|{"rows":1,"source":"twilio:stop"})");
    EXPECT_EQ(prepare_campaign(), "+15550001=suppressed,+15550002=pending");

    const auto start =
        Twilio("/webhooks/twilio/inbound", {{"MessageSid", "SMin2"}, {"From", "+15550001"}, {"Body", "START"}});
    ASSERT_EQ(start.status, 200u);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM suppressions"), "0");
    EXPECT_EQ(prepare_campaign(), "+15550001=pending,+15550002=pending");
}

TEST_F(WebhookTest, TwilioCallbacksAheadOfTheirMessageSidAreMatchedOnceItIsStored) {
    const auto campaign = db_.InsertCampaign();
    db_.InsertOutbox(campaign, 2, {{"status", "'sent'"}, {"delivery_status", "'accepted'"}});
    db_.Sql().Execute("UPDATE outbox SET kind='sms', user_ref=CONCAT('+1555000', id)");
    // Twilio answered the sends and called back before the consumer stored the SIDs it answered.
    const std::vector<domain::FormFields> callbacks = {
        {{"MessageSid", "SMlate1"}, {"MessageStatus", "sent"}},
        {{"MessageSid", "SMlate1"}, {"MessageStatus", "delivered"}},
        {{"MessageSid", "SMlate2"}, {"MessageStatus", "undelivered"}, {"ErrorCode", "30006"}},
        {{"MessageSid", "SMnobody"}, {"MessageStatus", "delivered"}}};
    for (const auto& fields : callbacks) {
        ASSERT_EQ(Twilio("/webhooks/twilio/status", fields).status, 200u);
    }
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM message_events WHERE outbox_id IS NULL"), "4");
    mysql::MysqlPool pool(db_.Config(), 1);
    mysql::MysqlFeedbackStore store(pool);
    const auto since = domain::Clock::now() - 15min;
    EXPECT_EQ(store.MatchLateEvents(since, 1000).matched, 0u) << "no SID stored yet";

    db_.Sql().Execute("UPDATE outbox SET provider_msg_id=CONCAT('SMlate', id)");
    const auto result = store.MatchLateEvents(since, 1000);
    EXPECT_EQ(result.matched, 3u);
    EXPECT_EQ(result.status_changes, 2u);
    EXPECT_EQ(result.suppressions_added, (std::map<std::string, std::size_t>{{"twilio:undelivered", 1}}));
    EXPECT_EQ(db_.Value("SELECT GROUP_CONCAT(delivery_status ORDER BY id) FROM outbox"), "delivered,undelivered");
    EXPECT_EQ(db_.Value("SELECT GROUP_CONCAT(CONCAT(provider_event_id, '>', COALESCE(outbox_id, '-'), '/', "
                        "COALESCE(campaign_id = " +
                        std::to_string(campaign) + ", '-')) ORDER BY id) FROM message_events"),
              "SMlate1:sent>1/1,SMlate1:delivered>1/1,SMlate2:undelivered>2/1,SMnobody:delivered>-/-");
    EXPECT_EQ(db_.Value("SELECT CONCAT(address, '|', source, '|', outbox_id) FROM suppressions"),
              "+15550002|twilio:undelivered|2");

    // Matched once: another pass, or one whose window starts after the events, changes nothing.
    const auto snapshot = Snapshot();
    EXPECT_EQ(store.MatchLateEvents(since, 1000).matched, 0u);
    EXPECT_EQ(store.MatchLateEvents(domain::Clock::now() + 1min, 1000).matched, 0u);
    EXPECT_EQ(Snapshot(), snapshot);
}

}  // namespace
}  // namespace bulkmsg
