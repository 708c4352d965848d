#include "support/outbox_fixture.hpp"

#include <amqp.h>
#include <unistd.h>

#include <atomic>
#include <iterator>

#include "adapters/mysql/mysql_migration_store.hpp"
#include "app/embedded_migrations.hpp"
#include "app/run_migrations.hpp"

namespace bulkmsg::testing {

MigratedDatabase::MigratedDatabase() : connection_(std::make_unique<mysql::MysqlConnection>(db_.Config())) {
    mysql::MysqlMigrationStore store(*connection_, db_.Config().name);
    app::RunMigrations(store, domain::ParseMigrations(app::EmbeddedMigrations()));
}

std::uint64_t MigratedDatabase::Count(const std::string& where) {
    return std::stoull(Value("SELECT COUNT(*) FROM outbox WHERE " + where));
}

std::uint64_t MigratedDatabase::InsertCampaign(const std::string& status) {
    connection_->Execute("INSERT INTO campaigns (name, kind, status, template_text) VALUES ('test', 'email', '" +
                         status + "', 'hi')");
    return std::stoull(Value("SELECT LAST_INSERT_ID()"));
}

void MigratedDatabase::InsertOutbox(std::uint64_t campaign, std::uint64_t count,
                                    const std::map<std::string, std::string>& columns) {
    std::string names = "campaign_id, user_ref, kind, payload, idempotency_key";
    std::string values = std::to_string(campaign) +
                         ", CONCAT('user', seq, '@example.com'), 'email', '{}', SHA2(CONCAT(UUID(), seq), 256)";
    for (const auto& [name, value] : columns) {
        names += ", " + name;
        values += ", " + value;
    }
    connection_->Execute("INSERT INTO outbox (" + names + ") SELECT " + values + " FROM seq_1_to_" +
                         std::to_string(count));
}

namespace {

std::string Text(amqp_bytes_t bytes) {
    return {static_cast<const char*>(bytes.bytes), bytes.len};
}

ReceivedMessage ToReceived(const amqp_envelope_t& envelope) {
    const auto& props = envelope.message.properties;
    ReceivedMessage received;
    received.body = Text(envelope.message.body);
    if (props._flags & AMQP_BASIC_MESSAGE_ID_FLAG) received.message_id = Text(props.message_id);
    if (props._flags & AMQP_BASIC_CONTENT_TYPE_FLAG) received.content_type = Text(props.content_type);
    if (props._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) received.delivery_mode = props.delivery_mode;
    if (props._flags & AMQP_BASIC_HEADERS_FLAG) {
        for (int i = 0; i < props.headers.num_entries; ++i) {
            const auto& entry = props.headers.entries[i];
            const auto key = Text(entry.key);
            if (key == "attempt" && entry.value.kind == AMQP_FIELD_KIND_I32) received.attempt = entry.value.value.i32;
            if (key == "traceparent" && entry.value.kind == AMQP_FIELD_KIND_UTF8) {
                received.traceparent = Text(entry.value.value.bytes);
            }
        }
    }
    return received;
}

}  // namespace

TestQueues::TestQueues(const std::string& queue_type) {
    static std::atomic<int> counter{0};
    const auto suffix = std::to_string(getpid()) + "." + std::to_string(counter++);
    topology_ = {"test.notify." + suffix, "test.failed." + suffix, queue_type};
}

TestQueues::~TestQueues() {
    try {
        amqp::AmqpConnection connection(StackConfig().rabbitmq);
        for (const auto& queue : {topology_.queue, topology_.dead_letter_queue}) {
            amqp_queue_delete(connection.Raw(), amqp::AmqpConnection::kChannel, amqp_cstring_bytes(queue.c_str()), 0,
                              0);
        }
    } catch (const std::exception&) {
        // The broker may be down after a failed outage test; the queues die with `scripts/stack reset`.
    }
}

std::map<std::string, std::string> TestQueues::Env() const {
    return {{"NOTIFICATION_QUEUE", topology_.queue},
            {"DEAD_LETTER_QUEUE", topology_.dead_letter_queue},
            {"RABBITMQ_QUEUE_TYPE", topology_.queue_type}};
}

std::vector<ReceivedMessage> TestQueues::Take(std::size_t count, std::chrono::milliseconds timeout) {
    return TakeUntil([count](const std::vector<ReceivedMessage>& taken) { return taken.size() >= count; }, timeout);
}

std::vector<domain::QueueItem> TestQueues::TakeItems(std::size_t count, std::chrono::milliseconds timeout) {
    std::vector<domain::QueueItem> items;
    std::size_t decoded = 0;  // messages already split into items
    TakeUntil(
        [&](const std::vector<ReceivedMessage>& taken) {
            for (; decoded < taken.size(); ++decoded) {
                auto more = domain::DecodeQueueBody(taken[decoded].body);
                std::move(more.begin(), more.end(), std::back_inserter(items));
            }
            return items.size() >= count;
        },
        timeout);
    return items;
}

std::vector<ReceivedMessage> TestQueues::TakeUntil(
    const std::function<bool(const std::vector<ReceivedMessage>&)>& enough, std::chrono::milliseconds timeout) {
    amqp::AmqpConnection connection(StackConfig().rabbitmq);
    amqp::DeclareTopology(connection, topology_);
    amqp_basic_qos(connection.Raw(), amqp::AmqpConnection::kChannel, 0, 2000, 0);
    amqp_basic_consume(connection.Raw(), amqp::AmqpConnection::kChannel, amqp_cstring_bytes(topology_.queue.c_str()),
                       amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
    connection.CheckReply("basic.consume");
    std::vector<ReceivedMessage> messages;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!enough(messages) && std::chrono::steady_clock::now() < deadline) {
        timeval wait{0, 200000};
        amqp_envelope_t envelope;
        amqp_maybe_release_buffers(connection.Raw());
        const auto reply = amqp_consume_message(connection.Raw(), &envelope, &wait, 0);
        if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
            continue;  // timeout: check the deadline
        }
        messages.push_back(ToReceived(envelope));
        amqp_basic_ack(connection.Raw(), amqp::AmqpConnection::kChannel, envelope.delivery_tag, 0);
        amqp_destroy_envelope(&envelope);
    }
    return messages;
}

std::uint64_t TestQueues::Depth() {
    amqp::AmqpConnection connection(StackConfig().rabbitmq);
    amqp::DeclareTopology(connection, topology_);
    return amqp::QueueDepth(connection, topology_.queue);
}

void TestQueues::Publish(const std::string& body) {
    amqp::AmqpConnection connection(StackConfig().rabbitmq);
    amqp::DeclareTopology(connection, topology_);
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
    props.delivery_mode = 2;
    amqp_basic_publish(connection.Raw(), amqp::AmqpConnection::kChannel, amqp_cstring_bytes(""),
                       amqp_cstring_bytes(topology_.queue.c_str()), 0, 0, &props,
                       amqp_bytes_t{body.size(), const_cast<char*>(body.data())});
}

std::uint64_t TestQueues::DeadLetterDepth() {
    amqp::AmqpConnection connection(StackConfig().rabbitmq);
    return amqp::QueueDepth(connection, topology_.dead_letter_queue);
}

bool TestQueues::RejectOne() {
    amqp::AmqpConnection connection(StackConfig().rabbitmq);
    const auto reply = amqp_basic_get(connection.Raw(), amqp::AmqpConnection::kChannel,
                                      amqp_cstring_bytes(topology_.queue.c_str()), 0);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL || reply.reply.id != AMQP_BASIC_GET_OK_METHOD) {
        return false;
    }
    const auto tag = static_cast<amqp_basic_get_ok_t*>(reply.reply.decoded)->delivery_tag;
    amqp_message_t message;
    if (amqp_read_message(connection.Raw(), amqp::AmqpConnection::kChannel, &message, 0).reply_type !=
        AMQP_RESPONSE_NORMAL) {
        return false;
    }
    amqp_destroy_message(&message);
    return amqp_basic_reject(connection.Raw(), amqp::AmqpConnection::kChannel, tag, 0) == AMQP_STATUS_OK;
}

bool TestQueues::RedeclareAs(const std::string& type) {
    amqp::AmqpConnection connection(StackConfig().rabbitmq);
    amqp_table_entry_t entries[3];
    entries[0].key = amqp_cstring_bytes("x-dead-letter-exchange");
    entries[0].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[0].value.value.bytes = amqp_cstring_bytes("");
    entries[1].key = amqp_cstring_bytes("x-dead-letter-routing-key");
    entries[1].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[1].value.value.bytes = amqp_cstring_bytes(topology_.dead_letter_queue.c_str());
    entries[2].key = amqp_cstring_bytes("x-queue-type");
    entries[2].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[2].value.value.bytes = amqp_cstring_bytes(type.c_str());
    amqp_queue_declare(connection.Raw(), amqp::AmqpConnection::kChannel, amqp_cstring_bytes(topology_.queue.c_str()), 0,
                       1, 0, 0, amqp_table_t{3, entries});
    try {
        connection.CheckReply("redeclare " + topology_.queue);
        return true;
    } catch (const amqp::AmqpError&) {
        return false;
    }
}

}  // namespace bulkmsg::testing
