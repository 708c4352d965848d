#pragma once

#include <stdexcept>
#include <string>

#include "app/dependency_error.hpp"
#include "domain/config.hpp"

struct amqp_connection_state_t_;

namespace bulkmsg::amqp {

/// Always an outage of the `broker` (the API's 503 names it). Constructing one counts a rabbitmq error in
/// bulkmsg_dependency_errors_total.
class AmqpError : public app::DependencyError {
public:
    explicit AmqpError(const std::string& message);
};

/// An AMQP 0-9-1 connection to RabbitMQ with channel 1 open, logged in to the configured vhost.
/// Not thread-safe: use one per thread.
class AmqpConnection {
public:
    explicit AmqpConnection(const domain::RabbitConfig& config, int timeout_seconds = 10);
    ~AmqpConnection();
    AmqpConnection(const AmqpConnection&) = delete;
    AmqpConnection& operator=(const AmqpConnection&) = delete;

    static constexpr unsigned short kChannel = 1;
    amqp_connection_state_t_* Raw() { return state_; }
    /// Throws AmqpError with the broker's reason when the last RPC on this connection failed.
    void CheckReply(const std::string& what);

private:
    amqp_connection_state_t_* state_;
};

}  // namespace bulkmsg::amqp
