#pragma once

#include <string>

#include "adapters/amqp/amqp_connection.hpp"

namespace bulkmsg::amqp {

struct Topology {
    std::string queue = "notification.queue";
    std::string dead_letter_queue = "failed_messages";
    std::string queue_type = "classic";  // classic | quorum
};

/// Declares, idempotently, the durable dead-letter queue and the durable main queue that dead-letters
/// into it (through the default exchange). Quorum queues when topology.queue_type is "quorum". Throws
/// AmqpError when a queue exists with other arguments (the broker closes the channel).
void DeclareTopology(AmqpConnection& connection, const Topology& topology);

/// Ready messages in `queue` (passive declare); throws AmqpError when the queue does not exist.
std::uint64_t QueueDepth(AmqpConnection& connection, const std::string& queue);

}  // namespace bulkmsg::amqp
