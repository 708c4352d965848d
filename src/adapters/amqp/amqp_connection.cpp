#include "adapters/amqp/amqp_connection.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include "app/log.hpp"
#include "app/metrics/metrics.hpp"

namespace bulkmsg::amqp {

AmqpError::AmqpError(const std::string& message) : app::DependencyError("broker", message, true) {
    app::CountDependencyError("rabbitmq");
}

namespace {

std::string ReplyText(const amqp_rpc_reply_t& reply) {
    switch (reply.reply_type) {
        case AMQP_RESPONSE_NORMAL: return "ok";
        case AMQP_RESPONSE_NONE: return "missing RPC reply";
        case AMQP_RESPONSE_LIBRARY_EXCEPTION: return amqp_error_string2(reply.library_error);
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
                auto* close = static_cast<amqp_connection_close_t*>(reply.reply.decoded);
                return "server closed the connection: " +
                       std::string(static_cast<char*>(close->reply_text.bytes), close->reply_text.len);
            }
            if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
                auto* close = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
                return "server closed the channel: " +
                       std::string(static_cast<char*>(close->reply_text.bytes), close->reply_text.len);
            }
            return "server exception";
    }
    return "unknown reply";
}

}  // namespace

namespace {

/// A logged-in connection with channel 1 open to `endpoint`, or std::runtime_error (not yet an AmqpError: an
/// endpoint that fails while another answers is no failed operation, so it is not counted as a dependency error).
amqp_connection_state_t OpenOn(const domain::RabbitConfig& config, const domain::BrokerEndpoint& endpoint,
                               int timeout_seconds) {
    amqp_connection_state_t state = amqp_new_connection();
    auto fail = [&](const std::string& what) {
        amqp_destroy_connection(state);
        throw std::runtime_error("cannot connect to RabbitMQ at " + endpoint.Name() + ": " + what);
    };
    amqp_socket_t* socket = amqp_tcp_socket_new(state);
    if (socket == nullptr) {
        fail("cannot create socket");
    }
    timeval timeout{timeout_seconds, 0};
    if (int rc = amqp_socket_open_noblock(socket, endpoint.host.c_str(), endpoint.port, &timeout);
        rc != AMQP_STATUS_OK) {
        fail(amqp_error_string2(rc));
    }
    amqp_set_rpc_timeout(state, &timeout);
    auto login = amqp_login(state, config.vhost.c_str(), 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, config.user.c_str(),
                            config.password.c_str());
    if (login.reply_type != AMQP_RESPONSE_NORMAL) {
        fail("login as '" + config.user + "' to vhost '" + config.vhost + "' failed: " + ReplyText(login));
    }
    amqp_channel_open(state, AmqpConnection::kChannel);
    if (auto reply = amqp_get_rpc_reply(state); reply.reply_type != AMQP_RESPONSE_NORMAL) {
        fail("channel open failed: " + ReplyText(reply));
    }
    return state;
}

}  // namespace

AmqpConnection::AmqpConnection(const domain::RabbitConfig& config, app::EndpointRotation& rotation,
                               int timeout_seconds) {
    Connect(config, rotation, timeout_seconds);
}

AmqpConnection::AmqpConnection(const domain::RabbitConfig& config, int timeout_seconds) {
    app::EndpointRotation rotation(config.endpoints.size());
    Connect(config, rotation, timeout_seconds);
}

void AmqpConnection::Connect(const domain::RabbitConfig& config, app::EndpointRotation& rotation, int timeout_seconds) {
    std::string errors;
    for (const auto index : rotation.Order()) {
        const auto& endpoint = config.endpoints.at(index);
        try {
            state_ = OpenOn(config, endpoint, timeout_seconds);
        } catch (const std::runtime_error& e) {
            errors += (errors.empty() ? "" : "; ") + std::string(e.what());
            continue;
        }
        endpoint_ = endpoint.Name();
        const auto previous = rotation.Previous();
        if (rotation.Connected(index)) {
            app::ProcessMetrics().broker_failovers.With({}).Inc();
            app::Log(app::LogLevel::kWarn, "amqp", "broker failover: connected to another endpoint",
                     {{"endpoint", endpoint_}, {"previous", config.endpoints.at(*previous).Name()}});
        }
        app::ProcessMetrics().broker_connections.With({endpoint_}).Inc();
        return;
    }
    throw AmqpError(errors);
}

void AmqpConnection::CheckReply(const std::string& what) {
    if (auto reply = amqp_get_rpc_reply(state_); reply.reply_type != AMQP_RESPONSE_NORMAL) {
        throw AmqpError(what + " failed: " + ReplyText(reply));
    }
}

AmqpConnection::~AmqpConnection() {
    app::ProcessMetrics().broker_connections.With({endpoint_}).Dec();
    amqp_channel_close(state_, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(state_);
}

}  // namespace bulkmsg::amqp
