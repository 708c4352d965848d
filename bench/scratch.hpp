#pragma once
// A scratch database (named like the test databases, which the stack's DB user may create) and a pair of
// scratch queues for a benchmark run, removed again at the end.
#include <amqp.h>
#include <unistd.h>

#include <memory>

#include "adapters/amqp/amqp_connection.hpp"
#include "adapters/amqp/topology.hpp"
#include "adapters/mysql/mysql_connection.hpp"
#include "adapters/mysql/mysql_migration_store.hpp"
#include "app/embedded_migrations.hpp"
#include "app/run_migrations.hpp"
#include "domain/config.hpp"

namespace bulkmsg::bench {

class Scratch {
public:
    explicit Scratch(domain::Config config, const std::string& queue_type) : config_(std::move(config)) {
        const auto suffix = std::to_string(getpid());
        config_.db.name = "bulkmsg_t_bench_" + suffix;
        topology_ = {"bench.notify." + suffix, "bench.failed." + suffix, queue_type};
        config_.queues = {topology_.queue, topology_.dead_letter_queue, queue_type};
        Server().Execute("CREATE DATABASE `" + config_.db.name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        sql_ = std::make_unique<mysql::MysqlConnection>(config_.db, 600);
        mysql::MysqlMigrationStore store(*sql_, config_.db.name);
        app::RunMigrations(store, domain::ParseMigrations(app::EmbeddedMigrations()));
    }
    ~Scratch() {
        sql_.reset();
        Server().Execute("DROP DATABASE IF EXISTS `" + config_.db.name + "`");
        amqp::AmqpConnection connection(config_.rabbitmq);
        for (const auto& queue : {topology_.queue, topology_.dead_letter_queue}) {
            amqp_queue_delete(connection.Raw(), amqp::AmqpConnection::kChannel, amqp_cstring_bytes(queue.c_str()), 0, 0);
        }
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    mysql::MysqlConnection& Sql() { return *sql_; }
    std::uint64_t Count(const std::string& where) {
        return std::stoull(sql_->QueryValue("SELECT COUNT(*) FROM outbox WHERE " + where).value_or("0"));
    }
    /// The configuration with DB_NAME and the queues pointing at the scratch ones.
    const domain::Config& Config() const { return config_; }
    const amqp::Topology& Topology() const { return topology_; }

private:
    mysql::MysqlConnection Server() {
        auto server = config_.db;
        server.name = "";
        return mysql::MysqlConnection(server);
    }

    domain::Config config_;
    amqp::Topology topology_;
    std::unique_ptr<mysql::MysqlConnection> sql_;
};

}  // namespace bulkmsg::bench
