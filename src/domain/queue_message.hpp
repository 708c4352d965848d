#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace bulkmsg::domain {

class QueueMessageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The body of a notification.queue message, as the original service wrote it:
/// {"outboxId","idempotencyKey","campaignId","userRef","kind"}. An item of a batch (queue_batch.hpp) also carries
/// `attempt` and `traceparent`, which a single-object message has in its AMQP headers instead.
struct QueueMessage {
    std::uint64_t outbox_id = 0;
    std::string idempotency_key;
    std::uint64_t campaign_id = 0;
    std::string user_ref;
    std::string kind;
    unsigned attempt = 0;     // batch items: the delivery attempt this message starts (1-based); 0 when absent
    std::string traceparent;  // batch items: the publish span's W3C trace context; "" when absent

    bool operator==(const QueueMessage&) const = default;
};

/// The original five fields only (attempt and traceparent travel in the headers of a single-object message).
std::string EncodeQueueMessage(const QueueMessage& message);

/// One batch item: the five original fields, then `attempt` and `traceparent`.
std::string EncodeQueueItem(const QueueMessage& message);

/// Parses a message body; throws QueueMessageError naming the missing or mistyped field.
QueueMessage DecodeQueueMessage(std::string_view body);

/// Reads one message object (the five original fields, and `attempt` and `traceparent` when present); throws
/// QueueMessageError naming the missing or mistyped field.
QueueMessage QueueMessageFromJson(const nlohmann::json& object);

}  // namespace bulkmsg::domain
