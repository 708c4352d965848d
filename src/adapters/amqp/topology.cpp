#include "adapters/amqp/topology.hpp"

#include <amqp.h>

#include <vector>

namespace bulkmsg::amqp {

namespace {

amqp_table_entry_t StringEntry(const char* key, const std::string& value) {
    amqp_table_entry_t entry;
    entry.key = amqp_cstring_bytes(key);
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = amqp_cstring_bytes(value.c_str());
    return entry;
}

amqp_queue_declare_ok_t* Declare(AmqpConnection& connection, const std::string& queue, bool passive,
                                 std::vector<amqp_table_entry_t> args) {
    amqp_table_t table{static_cast<int>(args.size()), args.empty() ? nullptr : args.data()};
    auto* ok = amqp_queue_declare(connection.Raw(), AmqpConnection::kChannel, amqp_cstring_bytes(queue.c_str()),
                                  passive ? 1 : 0, 1, 0, 0, table);
    connection.CheckReply("declare queue '" + queue + "'");
    return ok;
}

}  // namespace

void DeclareTopology(AmqpConnection& connection, const Topology& topology) {
    std::vector<amqp_table_entry_t> dlq_args;
    std::vector<amqp_table_entry_t> main_args = {StringEntry("x-dead-letter-exchange", ""),
                                                 StringEntry("x-dead-letter-routing-key", topology.dead_letter_queue)};
    // Classic is the broker's default: leaving the argument out keeps queues declared without it equivalent.
    if (topology.queue_type == "quorum") {
        dlq_args.push_back(StringEntry("x-queue-type", topology.queue_type));
        main_args.push_back(StringEntry("x-queue-type", topology.queue_type));
    }
    Declare(connection, topology.dead_letter_queue, false, dlq_args);
    Declare(connection, topology.queue, false, main_args);
}

std::uint64_t QueueDepth(AmqpConnection& connection, const std::string& queue) {
    return Declare(connection, queue, true, {})->message_count;
}

}  // namespace bulkmsg::amqp
