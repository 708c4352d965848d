#pragma once

#include <memory>
#include <set>

#include "adapters/amqp/amqp_connection.hpp"
#include "adapters/amqp/topology.hpp"
#include "app/delivery_ports.hpp"

namespace bulkmsg::amqp {

/// DeliveryQueue on RabbitMQ: its own connection and channel, basic.qos(prefetch), manual acknowledgements.
/// Receive throws AmqpError when the connection or channel fails; afterwards Ack, Requeue, DeadLetter and
/// StopConsuming do nothing (the broker requeues every unacknowledged message when the connection closes) and
/// `rotation` (which outlives the consumer, kept by the owner across reconnections) moves past the lost endpoint,
/// so the next consumer subscribes on the next broker node.
/// Not thread-safe: one per worker thread.
class AmqpConsumer final : public app::DeliveryQueue {
public:
    AmqpConsumer(const domain::RabbitConfig& config, app::EndpointRotation& rotation, Topology topology,
                 std::uint16_t prefetch);
    ~AmqpConsumer() override;

    std::vector<app::Delivery> Receive(std::size_t max, std::chrono::milliseconds timeout) override;
    void Ack(std::vector<std::uint64_t> tags) override;
    void Requeue(const std::vector<std::uint64_t>& tags) override;
    void DeadLetter(const std::string& body, const std::string& reason) override;
    void StopConsuming() override;

private:
    /// One message, waiting up to `timeout`; nullopt on timeout.
    std::optional<app::Delivery> ReceiveOne(std::chrono::milliseconds timeout);
    void Check(int status, const char* what);
    /// Marks the connection broken (and lost for the rotation); the error to throw.
    AmqpError Broken(const std::string& message);

    Topology topology_;
    app::EndpointRotation& rotation_;
    std::unique_ptr<AmqpConnection> connection_;
    std::string consumer_tag_;
    std::set<std::uint64_t> unacked_;
    bool broken_ = false;
};

}  // namespace bulkmsg::amqp
