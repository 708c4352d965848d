#include "adapters/amqp/amqp_consumer.hpp"

#include <amqp.h>
#include <amqp_framing.h>
#include <sys/time.h>

#include <ctime>

namespace bulkmsg::amqp {

AmqpConsumer::AmqpConsumer(const domain::RabbitConfig& config, app::EndpointRotation& rotation, Topology topology,
                           std::uint16_t prefetch)
    : topology_(std::move(topology)),
      rotation_(rotation),
      connection_(std::make_unique<AmqpConnection>(config, rotation)) {
    DeclareTopology(*connection_, topology_);
    auto* state = connection_->Raw();
    amqp_basic_qos(state, AmqpConnection::kChannel, 0, prefetch, 0);
    connection_->CheckReply("basic.qos");
    auto* ok = amqp_basic_consume(state, AmqpConnection::kChannel, amqp_cstring_bytes(topology_.queue.c_str()),
                                  amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
    connection_->CheckReply("basic.consume");
    consumer_tag_.assign(static_cast<const char*>(ok->consumer_tag.bytes), ok->consumer_tag.len);
}

AmqpConsumer::~AmqpConsumer() = default;

AmqpError AmqpConsumer::Broken(const std::string& message) {
    broken_ = true;
    rotation_.Lost();
    return AmqpError(message);
}

void AmqpConsumer::Check(int status, const char* what) {
    if (status != AMQP_STATUS_OK) {
        throw Broken(std::string(what) + ": " + amqp_error_string2(status));
    }
}

namespace {

/// A string-valued header of the message, or "" when it is absent or not a string.
std::string HeaderText(const amqp_basic_properties_t& properties, std::string_view name) {
    if ((properties._flags & AMQP_BASIC_HEADERS_FLAG) == 0) {
        return "";
    }
    for (int i = 0; i < properties.headers.num_entries; ++i) {
        const auto& entry = properties.headers.entries[i];
        const std::string_view key(static_cast<const char*>(entry.key.bytes), entry.key.len);
        if (key == name && (entry.value.kind == AMQP_FIELD_KIND_UTF8 || entry.value.kind == AMQP_FIELD_KIND_BYTES)) {
            return {static_cast<const char*>(entry.value.value.bytes.bytes), entry.value.value.bytes.len};
        }
    }
    return "";
}

}  // namespace

std::optional<app::Delivery> AmqpConsumer::ReceiveOne(std::chrono::milliseconds timeout) {
    auto* state = connection_->Raw();
    amqp_maybe_release_buffers(state);
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    amqp_envelope_t envelope;
    const auto reply = amqp_consume_message(state, &envelope, &tv, 0);
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
        app::Delivery d{envelope.delivery_tag,
                        std::string(static_cast<const char*>(envelope.message.body.bytes), envelope.message.body.len),
                        HeaderText(envelope.message.properties, "traceparent")};
        amqp_destroy_envelope(&envelope);
        unacked_.insert(d.tag);
        return d;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) {
        return std::nullopt;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
        // A frame other than a delivery: channel or connection closing, or a stray ack. Only closes are fatal.
        amqp_frame_t frame;
        Check(amqp_simple_wait_frame(state, &frame), "waiting for a frame");
        if (frame.frame_type == AMQP_FRAME_METHOD && (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
                                                      frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD)) {
            throw Broken("the broker closed the consumer's channel or connection");
        }
        return std::nullopt;
    }
    throw Broken(std::string("consume failed: ") + amqp_error_string2(reply.library_error));
}

std::vector<app::Delivery> AmqpConsumer::Receive(std::size_t max, std::chrono::milliseconds timeout) {
    if (broken_) {
        throw AmqpError("consumer connection is broken");
    }
    std::vector<app::Delivery> out;
    auto first = ReceiveOne(timeout);
    if (!first) {
        return out;
    }
    out.push_back(std::move(*first));
    auto* state = connection_->Raw();
    // Take what has already arrived without waiting again.
    while (out.size() < max && (amqp_data_in_buffer(state) || amqp_frames_enqueued(state))) {
        auto next = ReceiveOne(std::chrono::milliseconds(0));
        if (!next) {
            break;
        }
        out.push_back(std::move(*next));
    }
    return out;
}

void AmqpConsumer::Ack(std::vector<std::uint64_t> tags) {
    if (broken_ || tags.empty()) {
        return;
    }
    std::sort(tags.begin(), tags.end());
    for (auto tag : tags) {
        unacked_.erase(tag);
    }
    auto* state = connection_->Raw();
    // One multiple-ack covers every tag below the oldest message still unacknowledged; the rest one by one.
    const std::uint64_t oldest_open = unacked_.empty() ? UINT64_MAX : *unacked_.begin();
    auto split = std::lower_bound(tags.begin(), tags.end(), oldest_open);
    if (split != tags.begin()) {
        Check(amqp_basic_ack(state, AmqpConnection::kChannel, *(split - 1), 1), "basic.ack");
    }
    for (auto it = split; it != tags.end(); ++it) {
        Check(amqp_basic_ack(state, AmqpConnection::kChannel, *it, 0), "basic.ack");
    }
}

void AmqpConsumer::Requeue(const std::vector<std::uint64_t>& tags) {
    if (broken_) {
        return;
    }
    for (auto tag : tags) {
        unacked_.erase(tag);
        Check(amqp_basic_nack(connection_->Raw(), AmqpConnection::kChannel, tag, 0, 1), "basic.nack");
    }
}

void AmqpConsumer::DeadLetter(const std::string& body, const std::string& reason) {
    if (broken_) {
        return;
    }
    amqp_table_entry_t header;
    header.key = amqp_cstring_bytes("x-bulkmsg-reason");
    header.value.kind = AMQP_FIELD_KIND_UTF8;
    header.value.value.bytes = amqp_cstring_bytes(reason.c_str());
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_HEADERS_FLAG |
                   AMQP_BASIC_TIMESTAMP_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = 2;
    props.headers = {1, &header};
    props.timestamp = static_cast<uint64_t>(std::time(nullptr));
    const amqp_bytes_t bytes{body.size(), const_cast<char*>(body.data())};
    Check(amqp_basic_publish(connection_->Raw(), AmqpConnection::kChannel, amqp_cstring_bytes(""),
                             amqp_cstring_bytes(topology_.dead_letter_queue.c_str()), 0, 0, &props, bytes),
          "dead-letter publish");
}

void AmqpConsumer::StopConsuming() {
    if (broken_ || consumer_tag_.empty()) {
        return;
    }
    amqp_basic_cancel(connection_->Raw(), AmqpConnection::kChannel, amqp_cstring_bytes(consumer_tag_.c_str()));
    consumer_tag_.clear();
}

}  // namespace bulkmsg::amqp
