#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bulkmsg::app {

/// One notification.queue message: JSON body, AMQP message_id (the idempotency key) and headers.
struct OutgoingMessage {
    std::string body;
    std::string message_id;
    unsigned attempt = 1;     // header `attempt`: the delivery attempt this message starts (1-based)
    std::string traceparent;  // header `traceparent`
};

/// Identifies one published batch until its confirms are collected.
struct PublishTicket {
    std::uint64_t connection_epoch = 0;  // the publisher's connection the batch went out on
    std::uint64_t first_tag = 0;         // delivery tag of the batch's first message
    std::size_t count = 0;
};

/// Publishes to notification.queue with publisher confirms (port). Several batches may be outstanding at
/// once: Publish returns without waiting, AwaitConfirms collects one batch's outcome.
class MessagePublisher {
public:
    virtual ~MessagePublisher() = default;
    /// Sends every message persistently. Throws when the broker connection fails.
    virtual PublishTicket Publish(const std::vector<OutgoingMessage>& messages) = 0;
    /// Waits for the confirms of `ticket`'s batch: result[i] is true when message i was acked, false when
    /// nacked or not confirmed in time. Throws when the connection failed after the batch went out (then
    /// nothing of it may be assumed confirmed).
    virtual std::vector<bool> AwaitConfirms(const PublishTicket& ticket) = 0;
};

}  // namespace bulkmsg::app
