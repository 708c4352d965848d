#include "adapters/amqp/amqp_connection.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>

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

AmqpConnection::AmqpConnection(const domain::RabbitConfig& config, int timeout_seconds)
    : state_(amqp_new_connection()) {
    const std::string where = "RabbitMQ at " + config.host + ":" + std::to_string(config.port);
    auto fail = [&](const std::string& what) {
        amqp_destroy_connection(state_);
        throw AmqpError("cannot connect to " + where + ": " + what);
    };
    amqp_socket_t* socket = amqp_tcp_socket_new(state_);
    if (socket == nullptr) {
        fail("cannot create socket");
    }
    timeval timeout{timeout_seconds, 0};
    if (int rc = amqp_socket_open_noblock(socket, config.host.c_str(), config.port, &timeout); rc != AMQP_STATUS_OK) {
        fail(amqp_error_string2(rc));
    }
    amqp_set_rpc_timeout(state_, &timeout);
    auto login = amqp_login(state_, config.vhost.c_str(), 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, config.user.c_str(),
                            config.password.c_str());
    if (login.reply_type != AMQP_RESPONSE_NORMAL) {
        fail("login as '" + config.user + "' to vhost '" + config.vhost + "' failed: " + ReplyText(login));
    }
    amqp_channel_open(state_, kChannel);
    if (auto reply = amqp_get_rpc_reply(state_); reply.reply_type != AMQP_RESPONSE_NORMAL) {
        fail("channel open failed: " + ReplyText(reply));
    }
}

void AmqpConnection::CheckReply(const std::string& what) {
    if (auto reply = amqp_get_rpc_reply(state_); reply.reply_type != AMQP_RESPONSE_NORMAL) {
        throw AmqpError(what + " failed: " + ReplyText(reply));
    }
}

AmqpConnection::~AmqpConnection() {
    amqp_channel_close(state_, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(state_);
}

}  // namespace bulkmsg::amqp
