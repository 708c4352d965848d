#pragma once

#include <chrono>
#include <map>
#include <memory>

#include "adapters/amqp/topology.hpp"
#include "app/message_publisher.hpp"

namespace bulkmsg::amqp {

/// MessagePublisher on rabbitmq-c 0.11: a channel in confirm mode; persistent messages to the default
/// exchange routed to the topology's queue; Basic.Ack/Nack frames read by hand, honouring `multiple`
/// (0.11 has no amqp_publisher_confirm_wait). Confirms that arrive for other outstanding batches are kept
/// until those are awaited. Connects (and declares the topology) on first use and reconnects after any
/// failure, on the next endpoint of config.endpoints (round-robin); batches of an earlier connection then count
/// as failed, so their rows stay or go back to pending. Not thread-safe.
class AmqpPublisher final : public app::MessagePublisher {
public:
    AmqpPublisher(domain::RabbitConfig config, Topology topology, std::chrono::milliseconds confirm_timeout);
    ~AmqpPublisher() override;

    app::PublishTicket Publish(const std::vector<app::OutgoingMessage>& messages) override;
    std::vector<bool> AwaitConfirms(const app::PublishTicket& ticket) override;

private:
    enum class Outcome : std::int8_t { kAck, kNack };

    AmqpConnection& Connection();
    void PublishOne(const app::OutgoingMessage& message);
    /// Reads one frame (waiting up to `timeout`) and records any confirm in it; false on timeout.
    bool ReadConfirm(std::chrono::microseconds timeout);
    void Record(std::uint64_t tag, bool multiple, Outcome outcome);
    void Disconnect();

    domain::RabbitConfig config_;
    Topology topology_;
    std::chrono::milliseconds confirm_timeout_;
    app::EndpointRotation rotation_;
    std::unique_ptr<AmqpConnection> connection_;
    std::uint64_t epoch_ = 0;
    std::uint64_t next_tag_ = 1;
    std::map<std::uint64_t, Outcome> unclaimed_;  // confirmed tags whose batch has not been awaited yet
    std::uint64_t awaited_below_ = 1;             // every tag below this was awaited (or given up)
    std::uint64_t recorded_below_ = 1;            // every tag below this is covered by a multiple confirm
};

}  // namespace bulkmsg::amqp
