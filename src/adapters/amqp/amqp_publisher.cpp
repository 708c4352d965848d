#include "adapters/amqp/amqp_publisher.hpp"

#include <amqp.h>
#include <amqp_framing.h>
#include <sys/time.h>

namespace bulkmsg::amqp {

namespace {

enum class Confirm : std::int8_t { kPending = 0, kAck = 1, kNack = -1 };

// Applies one Basic.Ack/Nack for `tag` (and every earlier tag when `multiple`) to the batch that starts
// at `first_tag`; returns how many messages of the batch it resolved.
std::size_t Resolve(std::vector<Confirm>& states, std::uint64_t first_tag, std::uint64_t tag, bool multiple,
                    Confirm outcome) {
    if (tag < first_tag) {
        return 0;  // a late confirm for an earlier batch
    }
    const std::uint64_t last = std::min<std::uint64_t>(tag - first_tag, states.size() - 1);
    const std::uint64_t first = multiple ? 0 : last;
    std::size_t resolved = 0;
    for (std::uint64_t i = first; i <= last; ++i) {
        if (states[i] == Confirm::kPending) {
            states[i] = outcome;
            ++resolved;
        }
    }
    return resolved;
}

}  // namespace

AmqpPublisher::AmqpPublisher(domain::RabbitConfig config, Topology topology, std::chrono::milliseconds confirm_timeout)
    : config_(std::move(config)), topology_(std::move(topology)), confirm_timeout_(confirm_timeout) {}

AmqpPublisher::~AmqpPublisher() = default;

AmqpConnection& AmqpPublisher::Connection() {
    if (!connection_) {
        auto connection = std::make_unique<AmqpConnection>(config_);
        DeclareTopology(*connection, topology_);
        amqp_confirm_select(connection->Raw(), AmqpConnection::kChannel);
        connection->CheckReply("confirm.select");
        connection_ = std::move(connection);
        next_tag_ = 1;
    }
    return *connection_;
}

void AmqpPublisher::Publish(const app::OutgoingMessage& message) {
    amqp_table_entry_t headers[2];
    headers[0].key = amqp_cstring_bytes("attempt");
    headers[0].value.kind = AMQP_FIELD_KIND_I32;
    headers[0].value.value.i32 = static_cast<int32_t>(message.attempt);
    headers[1].key = amqp_cstring_bytes("traceparent");
    headers[1].value.kind = AMQP_FIELD_KIND_UTF8;
    headers[1].value.value.bytes = amqp_cstring_bytes(message.traceparent.c_str());

    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
                   AMQP_BASIC_HEADERS_FLAG | AMQP_BASIC_TIMESTAMP_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = 2;
    props.message_id = amqp_cstring_bytes(message.message_id.c_str());
    props.headers = {2, headers};
    props.timestamp = static_cast<uint64_t>(std::time(nullptr));

    amqp_bytes_t body{message.body.size(), const_cast<char*>(message.body.data())};
    const int rc = amqp_basic_publish(connection_->Raw(), AmqpConnection::kChannel, amqp_cstring_bytes(""),
                                      amqp_cstring_bytes(topology_.queue.c_str()), 0, 0, &props, body);
    if (rc != AMQP_STATUS_OK) {
        throw AmqpError(std::string("publish failed: ") + amqp_error_string2(rc));
    }
    ++next_tag_;
}

void AmqpPublisher::AwaitConfirms(std::uint64_t first_tag, std::vector<bool>& acked) {
    std::vector<Confirm> states(acked.size(), Confirm::kPending);
    std::size_t unresolved = states.size();
    const auto deadline = std::chrono::steady_clock::now() + confirm_timeout_;
    while (unresolved > 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            break;
        }
        timeval timeout{static_cast<time_t>(left.count() / 1000000), static_cast<suseconds_t>(left.count() % 1000000)};
        amqp_frame_t frame;
        const int rc = amqp_simple_wait_frame_noblock(connection_->Raw(), &frame, &timeout);
        if (rc == AMQP_STATUS_TIMEOUT) {
            break;
        }
        if (rc != AMQP_STATUS_OK) {
            throw AmqpError(std::string("waiting for publisher confirms failed: ") + amqp_error_string2(rc));
        }
        if (frame.frame_type != AMQP_FRAME_METHOD) {
            continue;
        }
        switch (frame.payload.method.id) {
            case AMQP_BASIC_ACK_METHOD: {
                auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
                unresolved -= Resolve(states, first_tag, ack->delivery_tag, ack->multiple != 0, Confirm::kAck);
                break;
            }
            case AMQP_BASIC_NACK_METHOD: {
                auto* nack = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
                unresolved -= Resolve(states, first_tag, nack->delivery_tag, nack->multiple != 0, Confirm::kNack);
                break;
            }
            case AMQP_CHANNEL_CLOSE_METHOD:
            case AMQP_CONNECTION_CLOSE_METHOD: throw AmqpError("broker closed the publishing channel");
            default: break;
        }
    }
    for (std::size_t i = 0; i < states.size(); ++i) {
        acked[i] = states[i] == Confirm::kAck;
    }
}

std::vector<bool> AmqpPublisher::PublishConfirmed(const std::vector<app::OutgoingMessage>& messages) {
    std::vector<bool> acked(messages.size(), false);
    if (messages.empty()) {
        return acked;
    }
    try {
        Connection();
        const std::uint64_t first_tag = next_tag_;
        for (const auto& message : messages) {
            Publish(message);
        }
        AwaitConfirms(first_tag, acked);
        amqp_maybe_release_buffers(connection_->Raw());
    } catch (const std::exception&) {
        connection_.reset();
        throw;
    }
    return acked;
}

std::pair<std::uint64_t, std::uint64_t> AmqpPublisher::QueueDepths() {
    try {
        auto& connection = Connection();
        return {QueueDepth(connection, topology_.queue), QueueDepth(connection, topology_.dead_letter_queue)};
    } catch (const std::exception&) {
        connection_.reset();
        throw;
    }
}

}  // namespace bulkmsg::amqp
