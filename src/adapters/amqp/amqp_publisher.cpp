#include "adapters/amqp/amqp_publisher.hpp"

#include <amqp.h>
#include <amqp_framing.h>
#include <sys/time.h>

namespace bulkmsg::amqp {

AmqpPublisher::AmqpPublisher(domain::RabbitConfig config, Topology topology, std::chrono::milliseconds confirm_timeout)
    : config_(std::move(config)),
      topology_(std::move(topology)),
      confirm_timeout_(confirm_timeout),
      rotation_(config_.endpoints.size()) {}

AmqpPublisher::~AmqpPublisher() = default;

AmqpConnection& AmqpPublisher::Connection() {
    if (!connection_) {
        auto connection = std::make_unique<AmqpConnection>(config_, rotation_);
        DeclareTopology(*connection, topology_);
        amqp_confirm_select(connection->Raw(), AmqpConnection::kChannel);
        connection->CheckReply("confirm.select");
        connection_ = std::move(connection);
        ++epoch_;
        next_tag_ = 1;
        awaited_below_ = 1;
        recorded_below_ = 1;
        unclaimed_.clear();
    }
    return *connection_;
}

void AmqpPublisher::Disconnect() {
    connection_.reset();
    rotation_.Lost();
    unclaimed_.clear();
}

void AmqpPublisher::PublishOne(const app::OutgoingMessage& message) {
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

app::PublishTicket AmqpPublisher::Publish(const std::vector<app::OutgoingMessage>& messages) {
    try {
        Connection();
        const app::PublishTicket ticket{epoch_, next_tag_, messages.size()};
        for (const auto& message : messages) {
            PublishOne(message);
        }
        return ticket;
    } catch (const std::exception&) {
        Disconnect();
        throw;
    }
}

void AmqpPublisher::Record(std::uint64_t tag, bool multiple, Outcome outcome) {
    const std::uint64_t last = std::min(tag, next_tag_ - 1);
    const std::uint64_t first = multiple ? std::max(awaited_below_, recorded_below_) : std::max(awaited_below_, tag);
    for (std::uint64_t t = first; t <= last; ++t) {
        unclaimed_.emplace(t, outcome);
    }
    if (multiple) {
        recorded_below_ = std::max(recorded_below_, last + 1);
    }
}

bool AmqpPublisher::ReadConfirm(std::chrono::microseconds timeout) {
    timeval wait{static_cast<time_t>(timeout.count() / 1000000), static_cast<suseconds_t>(timeout.count() % 1000000)};
    amqp_frame_t frame;
    const int rc = amqp_simple_wait_frame_noblock(connection_->Raw(), &frame, &wait);
    if (rc == AMQP_STATUS_TIMEOUT) {
        return false;
    }
    if (rc != AMQP_STATUS_OK) {
        throw AmqpError(std::string("waiting for publisher confirms failed: ") + amqp_error_string2(rc));
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) {
        return true;
    }
    switch (frame.payload.method.id) {
        case AMQP_BASIC_ACK_METHOD: {
            const auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
            Record(ack->delivery_tag, ack->multiple != 0, Outcome::kAck);
            break;
        }
        case AMQP_BASIC_NACK_METHOD: {
            const auto* nack = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
            Record(nack->delivery_tag, nack->multiple != 0, Outcome::kNack);
            break;
        }
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD: throw AmqpError("broker closed the publishing channel");
        default: break;
    }
    return true;
}

std::vector<bool> AmqpPublisher::AwaitConfirms(const app::PublishTicket& ticket) {
    std::vector<bool> acked(ticket.count, false);
    if (ticket.count == 0) {
        return acked;
    }
    if (!connection_ || ticket.connection_epoch != epoch_) {
        throw AmqpError("the connection a batch was published on was lost before its confirms arrived");
    }
    const std::uint64_t end = ticket.first_tag + ticket.count;
    const auto resolved = [&] {
        return static_cast<std::size_t>(std::distance(unclaimed_.lower_bound(ticket.first_tag),
                                                      unclaimed_.lower_bound(end))) == ticket.count;
    };
    try {
        const auto deadline = std::chrono::steady_clock::now() + confirm_timeout_;
        while (!resolved()) {
            const auto left =
                std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !ReadConfirm(left)) {
                break;
            }
        }
        amqp_maybe_release_buffers(connection_->Raw());
    } catch (const std::exception&) {
        Disconnect();
        throw;
    }
    for (std::uint64_t tag = ticket.first_tag; tag < end; ++tag) {
        auto it = unclaimed_.find(tag);
        acked[tag - ticket.first_tag] = it != unclaimed_.end() && it->second == Outcome::kAck;
    }
    unclaimed_.erase(unclaimed_.lower_bound(ticket.first_tag), unclaimed_.lower_bound(end));
    awaited_below_ = std::max(awaited_below_, end);
    return acked;
}

}  // namespace bulkmsg::amqp
