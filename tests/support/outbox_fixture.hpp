#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/amqp/amqp_connection.hpp"
#include "adapters/amqp/topology.hpp"
#include "adapters/mysql/mysql_connection.hpp"
#include "domain/queue_batch.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg::testing {

/// A TempDatabase with every migration applied and a connection to it.
class MigratedDatabase {
public:
    MigratedDatabase();
    const domain::DatabaseConfig& Config() const { return db_.Config(); }
    mysql::MysqlConnection& Sql() { return *connection_; }
    /// Opens a new connection (after the server was restarted under the test).
    void Reconnect() { connection_ = std::make_unique<mysql::MysqlConnection>(db_.Config()); }
    std::string Value(const std::string& sql) { return connection_->QueryValue(sql).value_or("NULL"); }
    std::uint64_t Count(const std::string& where);

    std::uint64_t InsertCampaign(const std::string& status = "running");
    /// Inserts `count` outbox rows of `campaign` with a unique random idempotency key each; `columns` sets
    /// extra columns, e.g. {{"status", "'retrying'"}, {"available_at", "NOW(6) + INTERVAL 5 MINUTE"}}.
    void InsertOutbox(std::uint64_t campaign, std::uint64_t count,
                      const std::map<std::string, std::string>& columns = {});

private:
    TempDatabase db_;
    std::unique_ptr<mysql::MysqlConnection> connection_;
};

/// A message read back from a queue, with the properties the tests check.
struct ReceivedMessage {
    std::string body;
    std::string message_id;
    std::string content_type;
    int delivery_mode = 0;
    std::optional<std::int64_t> attempt;
    std::string traceparent;
};

/// Uniquely named notification/dead-letter queues for one test (so tests can run in parallel against one
/// broker), deleted again at destruction.
class TestQueues {
public:
    explicit TestQueues(const std::string& queue_type = "classic");
    ~TestQueues();
    TestQueues(const TestQueues&) = delete;
    TestQueues& operator=(const TestQueues&) = delete;

    const amqp::Topology& Topology() const { return topology_; }
    /// Environment overrides that point a bulkmsg process at these queues.
    std::map<std::string, std::string> Env() const;
    /// Consumes (and acks) messages from the main queue until `count` arrived or `timeout` passed.
    std::vector<ReceivedMessage> Take(std::size_t count, std::chrono::milliseconds timeout);
    /// Consumes (and acks) messages until their items (one per single object, one per row of a batch) number
    /// `count` or `timeout` passed; returns the items.
    std::vector<domain::QueueItem> TakeItems(std::size_t count, std::chrono::milliseconds timeout);
    /// Ready messages in the main queue (declaring the queues first if they do not exist).
    std::uint64_t Depth();
    /// Publishes `body` to the main queue as a producer other than the poller would (persistent).
    void Publish(const std::string& body);
    std::uint64_t DeadLetterDepth();
    /// Takes one message from the main queue and rejects it without requeue; false when the queue was empty.
    bool RejectOne();
    /// Declares the main queue again with x-queue-type `type`; false when the broker refuses (another type).
    bool RedeclareAs(const std::string& type);

private:
    /// Consumes (and acks) messages until `enough` of them are taken or `timeout` passed.
    std::vector<ReceivedMessage> TakeUntil(const std::function<bool(const std::vector<ReceivedMessage>&)>& enough,
                                           std::chrono::milliseconds timeout);

    amqp::Topology topology_;
};

}  // namespace bulkmsg::testing
