#include "domain/queue_batch.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bulkmsg::domain {
namespace {

const std::string kTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

TEST(QueueBatchTest, AnArrayRoundTripsWithAttemptAndTraceparentPerItem) {
    const std::vector<QueueMessage> messages = {{42, "abc", 7, "ana@example.com", "email", 1, kTrace},
                                                {43, "def", 7, "bo@example.com", "email", 3, ""}};
    const auto body = EncodeQueueBatch(messages);
    EXPECT_EQ(body, R"([{"outboxId":42,"idempotencyKey":"abc","campaignId":7,"userRef":"ana@example.com",)"
                    R"("kind":"email","attempt":1,"traceparent":")" +
                        kTrace +
                        R"("},{"outboxId":43,"idempotencyKey":"def","campaignId":7,"userRef":"bo@example.com",)"
                        R"("kind":"email","attempt":3,"traceparent":""}])");
    const auto items = DecodeQueueBody(body);
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].message, messages[0]);
    EXPECT_EQ(items[1].message, messages[1]);
    EXPECT_TRUE(items[0].error.empty());
    // Each item's own JSON, for a dead letter of that item alone, written again only when needed.
    EXPECT_TRUE(items[1].body.empty());
    EXPECT_EQ(QueueItemBody(items[1]), R"({"outboxId":43,"idempotencyKey":"def","campaignId":7,)"
                                       R"("userRef":"bo@example.com","kind":"email","attempt":3,"traceparent":""})");
    EXPECT_EQ(EncodeQueueBatch({}), "[]");
}

TEST(QueueBatchTest, ASingleObjectIsOneItemWithTheWholeBody) {
    const std::string body =
        R"({"outboxId":42,"idempotencyKey":"abc","campaignId":7,"userRef":"ana@example.com","kind":"email"})";
    const auto items = DecodeQueueBody(body);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].message, (QueueMessage{42, "abc", 7, "ana@example.com", "email"}));
    EXPECT_EQ(items[0].body, body);
    EXPECT_EQ(items[0].message->attempt, 0u) << "a single object's attempt is in its headers";
}

TEST(QueueBatchTest, BadItemsAreNamedByIndexAndFieldAndTheGoodOnesKept) {
    const auto items = DecodeQueueBody(
        R"([{"outboxId":1,"idempotencyKey":"k","campaignId":1,"userRef":"u","kind":"sms"},)"
        R"({"idempotencyKey":"k","campaignId":1,"userRef":"u","kind":"sms"},)"
        R"(7,)"
        R"({"outboxId":2,"idempotencyKey":"k2","campaignId":1,"userRef":"u","kind":"sms","attempt":"x"},)"
        R"({"outboxId":3,"idempotencyKey":"k3","campaignId":1,"userRef":"u","kind":"sms","traceparent":5}])");
    ASSERT_EQ(items.size(), 5u);
    EXPECT_EQ(items[0].message->outbox_id, 1u);
    EXPECT_EQ(items[1].error, "item 1: missing field outboxId");
    EXPECT_FALSE(items[1].message);
    EXPECT_EQ(items[2].error, "item 2: not a JSON object");
    EXPECT_EQ(items[2].body, "7");
    EXPECT_EQ(QueueItemBody(items[2]), "7") << "a bad item keeps its own text";
    EXPECT_EQ(items[3].error, "item 3: attempt must be a positive integer");
    EXPECT_EQ(items[4].error, "item 4: traceparent must be a string");
}

TEST(QueueBatchTest, ABodyThatIsNeitherIsOneBadItem) {
    for (const std::string body : {"not json", "[]", "17", R"("text")"}) {
        const auto items = DecodeQueueBody(body);
        ASSERT_EQ(items.size(), 1u) << body;
        EXPECT_FALSE(items[0].message) << body;
        EXPECT_EQ(items[0].error, "body is not a JSON object or a non-empty array of them") << body;
        EXPECT_EQ(items[0].body, body);
    }
    const auto bad_object = DecodeQueueBody(R"({"outboxId":0})");
    EXPECT_EQ(bad_object[0].error, "outboxId must be a positive integer");
}

}  // namespace
}  // namespace bulkmsg::domain
