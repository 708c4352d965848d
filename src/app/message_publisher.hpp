#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bulkmsg::app {

/// One notification.queue message: JSON body, AMQP message_id (the idempotency key) and headers.
struct OutgoingMessage {
    std::string body;
    std::string message_id;
    unsigned attempt = 1;     // header `attempt`: the delivery attempt this message starts (1-based)
    std::string traceparent;  // header `traceparent`
};

/// Publishes to notification.queue with publisher confirms (port).
class MessagePublisher {
public:
    virtual ~MessagePublisher() = default;
    /// Publishes every message persistently and waits for the broker's confirms. result[i] is true when
    /// message i was acked; false when nacked or not confirmed in time. Throws when the broker connection
    /// fails (then nothing may be assumed confirmed).
    virtual std::vector<bool> PublishConfirmed(const std::vector<OutgoingMessage>& messages) = 0;
    /// Messages ready in notification.queue and in the dead-letter queue.
    virtual std::pair<std::uint64_t, std::uint64_t> QueueDepths() = 0;
};

}  // namespace bulkmsg::app
