#pragma once

#include <chrono>
#include <memory>

#include "adapters/amqp/topology.hpp"
#include "app/message_publisher.hpp"

namespace bulkmsg::amqp {

/// MessagePublisher on rabbitmq-c 0.11: a channel in confirm mode; persistent messages to the default
/// exchange routed to the topology's queue; Basic.Ack/Nack frames read by hand, honouring `multiple`
/// (0.11 has no amqp_publisher_confirm_wait). Connects (and declares the topology) on first use and
/// reconnects after any failure. Not thread-safe.
class AmqpPublisher final : public app::MessagePublisher {
public:
    AmqpPublisher(domain::RabbitConfig config, Topology topology, std::chrono::milliseconds confirm_timeout);
    ~AmqpPublisher() override;

    std::vector<bool> PublishConfirmed(const std::vector<app::OutgoingMessage>& messages) override;
    std::pair<std::uint64_t, std::uint64_t> QueueDepths() override;

private:
    AmqpConnection& Connection();
    void Publish(const app::OutgoingMessage& message);
    void AwaitConfirms(std::uint64_t first_tag, std::vector<bool>& acked);

    domain::RabbitConfig config_;
    Topology topology_;
    std::chrono::milliseconds confirm_timeout_;
    std::unique_ptr<AmqpConnection> connection_;
    std::uint64_t next_tag_ = 1;
};

}  // namespace bulkmsg::amqp
