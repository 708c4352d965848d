#include <gtest/gtest.h>

#include <regex>

#include "domain/providers/apns_protocol.hpp"
#include "domain/providers/fcm_protocol.hpp"
#include "domain/providers/http_codec.hpp"
#include "domain/providers/jwt.hpp"
#include "domain/providers/sendgrid_protocol.hpp"
#include "domain/providers/twilio_protocol.hpp"
#include "support/test_keys.hpp"

namespace bulkmsg::domain {
namespace {

const TimePoint kNow{std::chrono::seconds(1'800'000'000)};

std::string Header(const ProviderRequest& request, const std::string& name) {
    for (const auto& [key, value] : request.headers) {
        if (key == name) {
            return value;
        }
    }
    return "<absent>";
}

ProviderResponse Response(long status, std::string body, std::map<std::string, std::string> headers = {}) {
    return {status, std::move(headers), std::move(body)};
}

OutboundMessage Message(Channel kind, nlohmann::json payload) {
    OutboundMessage m;
    m.outbox_id = 42;
    m.campaign_id = 7;
    m.idempotency_key = std::string(64, 'a');
    m.kind = kind;
    m.user_ref = payload.value("to", payload.value("token", ""));
    m.payload = std::move(payload);
    m.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    return m;
}

TEST(HttpCodecTest, Base64AndFormsRoundTrip) {
    EXPECT_EQ(Base64Encode("AC1:tok"), "QUMxOnRvaw==");
    EXPECT_EQ(Base64Decode("QUMxOnRvaw=="), "AC1:tok");
    EXPECT_EQ(Base64Decode("YWI="), "ab");
    EXPECT_THROW(Base64Decode("YWI"), std::invalid_argument);
    EXPECT_THROW(Base64Decode("Y*I="), std::invalid_argument);
    const FormFields fields = {{"To", "+15005550006"}, {"Body", "Hi & bye = 100%"}, {"Empty", ""}};
    EXPECT_EQ(FormEncode(fields), "To=%2B15005550006&Body=Hi+%26+bye+%3D+100%25&Empty=");
    EXPECT_EQ(ParseForm(FormEncode(fields)), fields);
}

TEST(HttpCodecTest, RetryAfterAcceptsSecondsAndHttpDates) {
    EXPECT_EQ(ParseRetryAfter("120", kNow), std::chrono::seconds(120));
    EXPECT_EQ(ParseRetryAfter("-5", kNow), std::chrono::seconds(0));
    // 1800000000 is Fri, 15 Jan 2027 08:00:00 GMT
    EXPECT_EQ(ParseRetryAfter("Fri, 15 Jan 2027 08:00:30 GMT", kNow), std::chrono::seconds(30));
    EXPECT_EQ(ParseRetryAfter("Fri, 15 Jan 2027 07:00:00 GMT", kNow), std::chrono::seconds(0));
    EXPECT_EQ(ParseRetryAfter("soon", kNow), std::nullopt);
    EXPECT_EQ(ParseRetryAfter("", kNow), std::nullopt);
}

TEST(HttpCodecTest, ShortReasonDoesNotSplitUtf8) {
    EXPECT_EQ(ShortReason("abc", 10), "abc");
    EXPECT_EQ(ShortReason("ab\xc3\xa9", 3), "ab");
}

TEST(SendgridProtocolTest, BuildsMailSendRequest) {
    const auto request = BuildSendgridRequest(Message(Channel::kEmail, {{"to", "ana@example.com"},
                                                                        {"from", "news@example.com"},
                                                                        {"subject", "Hi"},
                                                                        {"text", "t"},
                                                                        {"html", "<b>t</b>"}}),
                                              {"http://127.0.0.1:1", "SG.key", "News"});
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.url, "http://127.0.0.1:1/v3/mail/send");
    EXPECT_EQ(Header(request, "Authorization"), "Bearer SG.key");
    EXPECT_EQ(Header(request, "Content-Type"), "application/json");
    EXPECT_EQ(Header(request, kIdempotencyHeader), std::string(64, 'a'));
    EXPECT_EQ(Header(request, "traceparent"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    const auto body = nlohmann::json::parse(request.body);
    EXPECT_EQ(body["personalizations"][0]["to"][0]["email"], "ana@example.com");
    EXPECT_EQ(body["from"], (nlohmann::json{{"email", "news@example.com"}, {"name", "News"}}));
    EXPECT_EQ(body["subject"], "Hi");
    EXPECT_EQ(body["content"][0], (nlohmann::json{{"type", "text/plain"}, {"value", "t"}}));
    EXPECT_EQ(body["content"][1], (nlohmann::json{{"type", "text/html"}, {"value", "<b>t</b>"}}));
    EXPECT_EQ(body["custom_args"], (nlohmann::json{{"outbox_id", "42"}, {"idempotency_key", std::string(64, 'a')}}));
}

TEST(SendgridProtocolTest, ClassifiesDocumentedAnswers) {
    auto sent = ClassifySendgridResponse(Response(202, "", {{"x-message-id", "AOb5ZXUgSEeRAymhwhEySA"}}), kNow);
    EXPECT_EQ(sent.outcome, SendOutcome::kSent);
    EXPECT_EQ(sent.provider_message_id, "AOb5ZXUgSEeRAymhwhEySA");

    auto limited =
        ClassifySendgridResponse(Response(429, R"({"errors":[{"field":null,"message":"too many requests"}]})",
                                          {{"x-ratelimit-reset", "1800000017"}}),
                                 kNow);
    EXPECT_EQ(limited.outcome, SendOutcome::kRateLimited);
    EXPECT_EQ(limited.retry_after, std::chrono::seconds(17));
    EXPECT_EQ(limited.reason, "sendgrid 429 too many requests");

    auto invalid = ClassifySendgridResponse(
        Response(400, R"({"errors":[{"field":"subject","message":"The subject is required."}]})"), kNow);
    EXPECT_EQ(invalid.outcome, SendOutcome::kPermanent);
    EXPECT_EQ(invalid.reason, "sendgrid 400 subject: The subject is required.");
    EXPECT_FALSE(invalid.config_error);

    auto auth = ClassifySendgridResponse(Response(401, R"({"errors":[{"message":"authorization required"}]})"), kNow);
    EXPECT_EQ(auth.outcome, SendOutcome::kPermanent);
    EXPECT_TRUE(auth.config_error);

    EXPECT_EQ(ClassifySendgridResponse(Response(500, "oops"), kNow).outcome, SendOutcome::kRetryable);
    EXPECT_EQ(ClassifySendgridResponse(Response(413, ""), kNow).outcome, SendOutcome::kPermanent);
}

TEST(TwilioProtocolTest, BuildsFormRequestWithBasicAuth) {
    TwilioSettings settings{"http://sim", "AC123", "secret", "", "https://example.com/cb"};
    const auto request = BuildTwilioRequest(
        Message(Channel::kSms, {{"to", "+15005550010"}, {"from", "+15005550006"}, {"body", "Hi Ana & co"}}), settings);
    EXPECT_EQ(request.url, "http://sim/2010-04-01/Accounts/AC123/Messages.json");
    EXPECT_EQ(Header(request, "Authorization"), "Basic " + Base64Encode("AC123:secret"));
    EXPECT_EQ(Header(request, "Content-Type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(ParseForm(request.body), (FormFields{{"To", "+15005550010"},
                                                   {"From", "+15005550006"},
                                                   {"Body", "Hi Ana & co"},
                                                   {"StatusCallback", "https://example.com/cb"}}));
    settings.messaging_service_sid = "MG1";
    settings.status_callback.clear();
    const auto via_service =
        BuildTwilioRequest(Message(Channel::kSms, {{"to", "+15005550010"}, {"body", "x"}}), settings);
    EXPECT_EQ(ParseForm(via_service.body),
              (FormFields{{"To", "+15005550010"}, {"MessagingServiceSid", "MG1"}, {"Body", "x"}}));
}

TEST(TwilioProtocolTest, ClassifiesDocumentedCodes) {
    auto sent = ClassifyTwilioResponse(Response(201, R"({"sid":"SM0123","status":"queued"})"), kNow);
    EXPECT_EQ(sent.outcome, SendOutcome::kSent);
    EXPECT_EQ(sent.provider_message_id, "SM0123");

    auto unsubscribed = ClassifyTwilioResponse(
        Response(400, R"({"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400})"), kNow);
    EXPECT_EQ(unsubscribed.outcome, SendOutcome::kPermanent);
    EXPECT_TRUE(unsubscribed.suppress_recipient);
    EXPECT_EQ(unsubscribed.reason, "twilio 400 21610: Attempt to send to unsubscribed recipient");

    auto invalid = ClassifyTwilioResponse(Response(400, R"({"code":21211,"message":"bad To","status":400})"), kNow);
    EXPECT_EQ(invalid.outcome, SendOutcome::kPermanent);
    EXPECT_FALSE(invalid.suppress_recipient);
    EXPECT_EQ(ClassifyTwilioResponse(Response(400, R"({"code":21614})"), kNow).outcome, SendOutcome::kPermanent);

    auto busy = ClassifyTwilioResponse(
        Response(429, R"({"code":20429,"message":"Too Many Requests"})", {{"retry-after", "3"}}), kNow);
    EXPECT_EQ(busy.outcome, SendOutcome::kRateLimited);
    EXPECT_EQ(busy.retry_after, std::chrono::seconds(3));
    EXPECT_EQ(ClassifyTwilioResponse(Response(400, R"({"code":21611})"), kNow).outcome, SendOutcome::kRetryable);

    auto auth = ClassifyTwilioResponse(Response(401, R"({"code":20003,"message":"Authenticate"})"), kNow);
    EXPECT_EQ(auth.outcome, SendOutcome::kPermanent);
    EXPECT_TRUE(auth.config_error);
    EXPECT_EQ(ClassifyTwilioResponse(Response(500, R"({"code":20500})"), kNow).outcome, SendOutcome::kRetryable);
    EXPECT_EQ(ClassifyTwilioResponse(Response(201, "{}"), kNow).outcome, SendOutcome::kRetryable);
}

TEST(FcmProtocolTest, ServiceAccountErrorsNameTheField) {
    try {
        ParseServiceAccount(R"({"project_id":"p","client_email":"a@b","token_uri":"http://t"})");
        FAIL() << "expected an error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("private_key"), std::string::npos) << e.what();
    }
    EXPECT_THROW(ParseServiceAccount("not json"), std::invalid_argument);
}

TEST(FcmProtocolTest, AssertionIsAnRs256JwtWithGoogleClaims) {
    const auto keys = testing::GenerateRsaKey();
    const ServiceAccount account{"proj", "sa@proj.iam.example", keys.private_pem, "kid1", "http://sim/token"};
    const auto assertion = FcmAssertion(account, "http://sim/token", kNow);
    const auto verified = VerifyJwt(assertion, JwtAlgorithm::kRs256, keys.public_pem);
    ASSERT_TRUE(verified.has_value());
    EXPECT_EQ(verified->header["kid"], "kid1");
    EXPECT_EQ(verified->claims["iss"], "sa@proj.iam.example");
    EXPECT_EQ(verified->claims["scope"], kFcmScope);
    EXPECT_EQ(verified->claims["aud"], "http://sim/token");
    EXPECT_EQ(verified->claims["iat"], 1'800'000'000);
    EXPECT_EQ(verified->claims["exp"], 1'800'003'600);
    EXPECT_FALSE(VerifyJwt(assertion, JwtAlgorithm::kRs256, testing::GenerateRsaKey().public_pem).has_value());
    EXPECT_FALSE(VerifyJwt(assertion, JwtAlgorithm::kEs256, keys.public_pem).has_value());

    const auto request = BuildTokenRequest("http://sim/token", assertion);
    EXPECT_EQ(ParseForm(request.body),
              (FormFields{{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"}, {"assertion", assertion}}));
}

TEST(FcmProtocolTest, TokenResponses) {
    auto ok =
        ParseTokenResponse(Response(200, R"({"access_token":"ya29.x","expires_in":3599,"token_type":"Bearer"})"), kNow);
    ASSERT_TRUE(std::holds_alternative<AccessToken>(ok));
    EXPECT_EQ(std::get<AccessToken>(ok).value, "ya29.x");
    EXPECT_EQ(std::get<AccessToken>(ok).expires_at, kNow + std::chrono::seconds(3599));
    auto bad = ParseTokenResponse(
        Response(400, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})"), kNow);
    ASSERT_TRUE(std::holds_alternative<SendResult>(bad));
    EXPECT_EQ(std::get<SendResult>(bad).outcome, SendOutcome::kPermanent);
    EXPECT_TRUE(std::get<SendResult>(bad).config_error);
    EXPECT_EQ(std::get<SendResult>(bad).reason, "fcm token endpoint 400: invalid_grant Invalid JWT Signature.");
    auto down = ParseTokenResponse(Response(503, ""), kNow);
    EXPECT_EQ(std::get<SendResult>(down).outcome, SendOutcome::kRetryable);
}

TEST(FcmProtocolTest, BuildsMessageWithStringData) {
    const auto built = BuildFcmRequest(
        Message(Channel::kPush, {{"token", "tok-123"}, {"title", "T"}, {"body", "B"}, {"data", {{"n", "1"}}}}),
        {"http://sim", "proj"}, "ya29.x");
    const auto& request = std::get<ProviderRequest>(built);
    EXPECT_EQ(request.url, "http://sim/v1/projects/proj/messages:send");
    EXPECT_EQ(Header(request, "Authorization"), "Bearer ya29.x");
    const auto body = nlohmann::json::parse(request.body);
    EXPECT_EQ(body["message"]["token"], "tok-123");
    EXPECT_EQ(body["message"]["notification"], (nlohmann::json{{"title", "T"}, {"body", "B"}}));
    EXPECT_EQ(body["message"]["data"], (nlohmann::json{{"n", "1"}}));

    const auto too_big =
        BuildFcmRequest(Message(Channel::kPush, {{"token", "t"}, {"title", "T"}, {"body", std::string(4100, 'x')}}),
                        {"http://sim", "proj"}, "ya29.x");
    ASSERT_TRUE(std::holds_alternative<SendResult>(too_big));
    EXPECT_EQ(std::get<SendResult>(too_big).outcome, SendOutcome::kPermanent);
}

std::string FcmError(int code, const std::string& status, const std::string& error_code, const std::string& message) {
    nlohmann::json error = {{"code", code}, {"status", status}, {"message", message}};
    if (!error_code.empty()) {
        error["details"] = {
            {{"@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError"}, {"errorCode", error_code}}};
    }
    return nlohmann::json{{"error", error}}.dump();
}

TEST(FcmProtocolTest, ClassifiesErrorCodes) {
    auto sent = ClassifyFcmResponse(Response(200, R"({"name":"projects/p/messages/0:1"})"), kNow);
    EXPECT_EQ(sent.outcome, SendOutcome::kSent);
    EXPECT_EQ(sent.provider_message_id, "projects/p/messages/0:1");

    auto unregistered = ClassifyFcmResponse(
        Response(404, FcmError(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.")), kNow);
    EXPECT_EQ(unregistered.outcome, SendOutcome::kPermanent);
    EXPECT_TRUE(unregistered.suppress_recipient);
    EXPECT_EQ(unregistered.reason, "fcm 404 UNREGISTERED: Requested entity was not found.");

    auto bad_token =
        ClassifyFcmResponse(Response(400, FcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT",
                                                   "The registration token is not a valid FCM registration token")),
                            kNow);
    EXPECT_TRUE(bad_token.suppress_recipient);
    auto bad_field = ClassifyFcmResponse(
        Response(400, FcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Invalid value at data")), kNow);
    EXPECT_EQ(bad_field.outcome, SendOutcome::kPermanent);
    EXPECT_FALSE(bad_field.suppress_recipient);
    EXPECT_TRUE(ClassifyFcmResponse(Response(403, FcmError(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "")), kNow)
                    .suppress_recipient);

    auto quota = ClassifyFcmResponse(
        Response(429, FcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", ""), {{"retry-after", "60"}}), kNow);
    EXPECT_EQ(quota.outcome, SendOutcome::kRateLimited);
    EXPECT_EQ(quota.retry_after, std::chrono::seconds(60));
    auto unavailable = ClassifyFcmResponse(
        Response(503, FcmError(503, "UNAVAILABLE", "UNAVAILABLE", ""), {{"retry-after", "5"}}), kNow);
    EXPECT_EQ(unavailable.outcome, SendOutcome::kRetryable);
    EXPECT_EQ(unavailable.retry_after, std::chrono::seconds(5));
    EXPECT_EQ(ClassifyFcmResponse(Response(500, FcmError(500, "INTERNAL", "INTERNAL", "")), kNow).outcome,
              SendOutcome::kRetryable);

    auto third_party =
        ClassifyFcmResponse(Response(401, FcmError(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", "")), kNow);
    EXPECT_EQ(third_party.outcome, SendOutcome::kPermanent);
    EXPECT_TRUE(third_party.config_error);
    auto expired = ClassifyFcmResponse(Response(401, FcmError(401, "UNAUTHENTICATED", "", "bad token")), kNow);
    EXPECT_EQ(expired.outcome, SendOutcome::kRetryable);
    EXPECT_TRUE(expired.refresh_credentials);
    EXPECT_TRUE(ClassifyFcmResponse(Response(403, FcmError(403, "PERMISSION_DENIED", "", "")), kNow).config_error);
}

TEST(ApnsProtocolTest, ProviderTokenIsEs256WithKidAndIss) {
    const auto keys = testing::GenerateEcKey();
    const auto token = ApnsProviderToken(keys.private_pem, "ABC123DEFG", "TEAM123456", kNow);
    const auto verified = VerifyJwt(token, JwtAlgorithm::kEs256, keys.public_pem);
    ASSERT_TRUE(verified.has_value());
    EXPECT_EQ(verified->header["alg"], "ES256");
    EXPECT_EQ(verified->header["kid"], "ABC123DEFG");
    EXPECT_EQ(verified->claims["iss"], "TEAM123456");
    EXPECT_EQ(verified->claims["iat"], 1'800'000'000);
    // JOSE signatures are raw R||S: 64 bytes, 86 base64url characters.
    EXPECT_EQ(token.substr(token.rfind('.') + 1).size(), 86u);
    auto tampered = token;
    tampered[token.find('.') + 3] ^= 1;
    EXPECT_FALSE(VerifyJwt(tampered, JwtAlgorithm::kEs256, keys.public_pem).has_value());
}

TEST(ApnsProtocolTest, BuildsRequestWithHeadersAndStableApnsId) {
    const auto id = ApnsIdFor("key-1");
    EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << id;
    EXPECT_EQ(id, ApnsIdFor("key-1"));
    EXPECT_NE(id, ApnsIdFor("key-2"));

    auto message =
        Message(Channel::kPush,
                {{"token", std::string(64, 'f')}, {"title", "T"}, {"body", "B"}, {"data", {{"deep_link", "app://x"}}}});
    const auto built = BuildApnsRequest(message, {"https://sim:4011", "com.example.app", 3600}, "jwt", kNow);
    const auto& request = std::get<ProviderRequest>(built);
    EXPECT_EQ(request.url, "https://sim:4011/3/device/" + std::string(64, 'f'));
    EXPECT_EQ(Header(request, "authorization"), "bearer jwt");
    EXPECT_EQ(Header(request, "apns-push-type"), "alert");
    EXPECT_EQ(Header(request, "apns-priority"), "10");
    EXPECT_EQ(Header(request, "apns-expiration"), "1800003600");
    EXPECT_EQ(Header(request, "apns-topic"), "com.example.app");
    EXPECT_EQ(Header(request, "apns-id"), ApnsIdFor(message.idempotency_key));
    EXPECT_EQ(nlohmann::json::parse(request.body),
              (nlohmann::json{{"aps", {{"alert", {{"title", "T"}, {"body", "B"}}}}}, {"deep_link", "app://x"}}));

    message.payload["body"] = std::string(4096, 'x');
    EXPECT_EQ(std::get<SendResult>(BuildApnsRequest(message, {"https://sim", "t", 0}, "jwt", kNow)).outcome,
              SendOutcome::kPermanent);
}

TEST(ApnsProtocolTest, ClassifiesReasons) {
    auto sent = ClassifyApnsResponse(Response(200, "", {{"apns-id", "eabeae54-14a8-11e5-b60b-1697f925ec7b"}}), kNow);
    EXPECT_EQ(sent.outcome, SendOutcome::kSent);
    EXPECT_EQ(sent.provider_message_id, "eabeae54-14a8-11e5-b60b-1697f925ec7b");
    auto gone = ClassifyApnsResponse(Response(410, R"({"reason":"Unregistered","timestamp":1700000000000})"), kNow);
    EXPECT_EQ(gone.outcome, SendOutcome::kPermanent);
    EXPECT_TRUE(gone.suppress_recipient);
    EXPECT_EQ(gone.reason, "apns 410 Unregistered");
    EXPECT_TRUE(ClassifyApnsResponse(Response(400, R"({"reason":"BadDeviceToken"})"), kNow).suppress_recipient);
    auto topic = ClassifyApnsResponse(Response(400, R"({"reason":"BadTopic"})"), kNow);
    EXPECT_EQ(topic.outcome, SendOutcome::kPermanent);
    EXPECT_FALSE(topic.suppress_recipient);
    EXPECT_EQ(ClassifyApnsResponse(Response(400, R"({"reason":"IdleTimeout"})"), kNow).outcome,
              SendOutcome::kRetryable);
    auto expired = ClassifyApnsResponse(Response(403, R"({"reason":"ExpiredProviderToken"})"), kNow);
    EXPECT_TRUE(expired.refresh_credentials);
    auto invalid = ClassifyApnsResponse(Response(403, R"({"reason":"InvalidProviderToken"})"), kNow);
    EXPECT_EQ(invalid.outcome, SendOutcome::kPermanent);
    EXPECT_TRUE(invalid.config_error);
    EXPECT_EQ(ClassifyApnsResponse(Response(413, R"({"reason":"PayloadTooLarge"})"), kNow).outcome,
              SendOutcome::kPermanent);
    EXPECT_EQ(ClassifyApnsResponse(Response(429, R"({"reason":"TooManyRequests"})"), kNow).outcome,
              SendOutcome::kRateLimited);
    EXPECT_EQ(ClassifyApnsResponse(Response(503, R"({"reason":"ServiceUnavailable"})"), kNow).outcome,
              SendOutcome::kRetryable);
    EXPECT_EQ(ClassifyApnsResponse(Response(500, R"({"reason":"InternalServerError"})"), kNow).outcome,
              SendOutcome::kRetryable);
}

}  // namespace
}  // namespace bulkmsg::domain
