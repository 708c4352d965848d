#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bulkmsg::domain {

class QueueMessageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The body of a notification.queue message, as the original service wrote it:
/// {"outboxId","idempotencyKey","campaignId","userRef","kind"}.
struct QueueMessage {
    std::uint64_t outbox_id = 0;
    std::string idempotency_key;
    std::uint64_t campaign_id = 0;
    std::string user_ref;
    std::string kind;

    bool operator==(const QueueMessage&) const = default;
};

std::string EncodeQueueMessage(const QueueMessage& message);

/// Parses a message body; throws QueueMessageError naming the missing or mistyped field.
QueueMessage DecodeQueueMessage(std::string_view body);

}  // namespace bulkmsg::domain
