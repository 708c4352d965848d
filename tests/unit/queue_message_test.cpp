#include "domain/queue_message.hpp"

#include <gtest/gtest.h>

#include "domain/backoff.hpp"
#include "domain/traceparent.hpp"

namespace bulkmsg::domain {
namespace {

using namespace std::chrono_literals;

std::string DecodeError(std::string_view body) {
    try {
        DecodeQueueMessage(body);
    } catch (const QueueMessageError& e) {
        return e.what();
    }
    return "";
}

TEST(QueueMessageTest, RoundTripsAndKeepsTheOriginalFieldNames) {
    QueueMessage message{42, "abc", 7, "ana@example.com", "email"};
    const auto body = EncodeQueueMessage(message);
    EXPECT_EQ(body,
              R"({"outboxId":42,"idempotencyKey":"abc","campaignId":7,"userRef":"ana@example.com","kind":"email"})");
    EXPECT_EQ(DecodeQueueMessage(body), message);
}

TEST(QueueMessageTest, RejectsBadBodiesNamingTheField) {
    EXPECT_EQ(DecodeError("not json"), "body is not a JSON object");
    EXPECT_EQ(DecodeError("[1]"), "body is not a JSON object");
    EXPECT_EQ(DecodeError(R"({"idempotencyKey":"k","campaignId":1,"userRef":"u","kind":"sms"})"),
              "missing field outboxId");
    EXPECT_EQ(DecodeError(R"({"outboxId":"1","idempotencyKey":"k","campaignId":1,"userRef":"u","kind":"sms"})"),
              "outboxId must be a positive integer");
    EXPECT_EQ(DecodeError(R"({"outboxId":-1,"idempotencyKey":"k","campaignId":1,"userRef":"u","kind":"sms"})"),
              "outboxId must be a positive integer");
    EXPECT_EQ(DecodeError(R"({"outboxId":1,"idempotencyKey":"","campaignId":1,"userRef":"u","kind":"sms"})"),
              "idempotencyKey must be a non-empty string");
}

TEST(QueueMessageTest, InvalidUtf8IsReplacedNotThrown) {
    const auto body = EncodeQueueMessage({1, "k", 1, std::string("bad\xff", 4), "sms"});
    EXPECT_NE(body.find("bad\xef\xbf\xbd"), std::string::npos);
}

TEST(TraceparentTest, MakesValidContextsAndRejectsMalformedOnes) {
    std::array<std::uint8_t, 24> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<std::uint8_t>(i * 17);
    }
    const auto made = MakeTraceparent(bytes);
    EXPECT_EQ(made, "00-00112233445566778899aabbccddeeff-1021324354657687-01");
    EXPECT_TRUE(IsValidTraceparent(made));
    EXPECT_TRUE(IsValidTraceparent(MakeTraceparent({})));  // all-zero randomness still yields valid ids
    EXPECT_FALSE(IsValidTraceparent(""));
    EXPECT_FALSE(IsValidTraceparent("00-00000000000000000000000000000000-0011223344556677-01"));
    EXPECT_FALSE(IsValidTraceparent("00-00112233445566778899AABBCCDDEEFF-0011223344556677-01"));
    EXPECT_FALSE(IsValidTraceparent("00-00112233445566778899aabbccddeeff-0011223344556677-0"));
}

TEST(BackoffTest, DoublesFromTheInitialDelayUpToTheCap) {
    EXPECT_EQ(ReconnectDelay(0, 0.0), 0ms);
    EXPECT_EQ(ReconnectDelay(1, 0.0), 200ms);
    EXPECT_EQ(ReconnectDelay(2, 0.0), 400ms);
    EXPECT_EQ(ReconnectDelay(8, 0.0), 25600ms);
    EXPECT_EQ(ReconnectDelay(9, 0.0), 30000ms);
    EXPECT_EQ(ReconnectDelay(1000, 0.0), 30000ms);
    EXPECT_EQ(ReconnectDelay(2, 0.5), 300ms);  // jitter shortens by up to half
}

}  // namespace
}  // namespace bulkmsg::domain
