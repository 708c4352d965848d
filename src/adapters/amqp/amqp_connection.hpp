#pragma once

#include <stdexcept>
#include <string>

#include "app/dependency_error.hpp"
#include "app/endpoint_rotation.hpp"
#include "domain/config.hpp"

struct amqp_connection_state_t_;

namespace bulkmsg::amqp {

/// Always an outage of the `broker` (the API's 503 names it). Constructing one counts a rabbitmq error in
/// bulkmsg_dependency_errors_total.
class AmqpError : public app::DependencyError {
public:
    explicit AmqpError(const std::string& message);
};

/// An AMQP 0-9-1 connection to RabbitMQ with channel 1 open, logged in to the configured vhost, on the first of
/// config.endpoints (in `rotation`'s order) that answers; AmqpError naming each endpoint's failure when none does.
/// A connection to another endpoint than the rotation's previous one is a failover: logged and counted in
/// bulkmsg_broker_failovers_total. While open it counts in bulkmsg_broker_connections{endpoint}.
/// Not thread-safe: use one per thread.
class AmqpConnection {
public:
    AmqpConnection(const domain::RabbitConfig& config, app::EndpointRotation& rotation, int timeout_seconds = 10);
    /// Tries the endpoints in configured order (a fresh rotation).
    explicit AmqpConnection(const domain::RabbitConfig& config, int timeout_seconds = 10);
    ~AmqpConnection();
    AmqpConnection(const AmqpConnection&) = delete;
    AmqpConnection& operator=(const AmqpConnection&) = delete;

    static constexpr unsigned short kChannel = 1;
    amqp_connection_state_t_* Raw() { return state_; }
    /// Throws AmqpError with the broker's reason when the last RPC on this connection failed.
    void CheckReply(const std::string& what);
    /// "host:port" of the broker this connection is on.
    const std::string& Endpoint() const { return endpoint_; }

private:
    void Connect(const domain::RabbitConfig& config, app::EndpointRotation& rotation, int timeout_seconds);

    amqp_connection_state_t_* state_ = nullptr;
    std::string endpoint_;
};

}  // namespace bulkmsg::amqp
