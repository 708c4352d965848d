#include "cli/dependencies.hpp"

#include "adapters/amqp/amqp_connection.hpp"
#include "adapters/mysql/mysql_connection.hpp"
#include "adapters/mysql/mysql_migration_store.hpp"
#include "adapters/redis/redis_client.hpp"
#include "app/embedded_migrations.hpp"
#include "app/run_migrations.hpp"

namespace bulkmsg::cli {

namespace {

constexpr int kProbeTimeoutSeconds = 3;

std::string CheckMysql(const domain::DatabaseConfig& db) {
    mysql::MysqlConnection connection(db, kProbeTimeoutSeconds);
    mysql::MysqlMigrationStore store(connection, db.name);
    auto pending = app::CountPendingMigrations(store, domain::ParseMigrations(app::EmbeddedMigrations()));
    if (pending > 0) {
        throw std::runtime_error(std::to_string(pending) + " migration(s) not applied: run `bulkmsg migrate`");
    }
    return "";
}

std::string CheckRedis(const domain::RedisConfig& redis) {
    redis::RedisClient client(redis, kProbeTimeoutSeconds);
    if (client.Command({"PING"}) != "PONG") {
        throw std::runtime_error("unexpected PING reply");
    }
    return "";
}

/// The first endpoint that answers, in configured order.
std::string CheckRabbitmq(const domain::RabbitConfig& rabbit) {
    return amqp::AmqpConnection(rabbit, kProbeTimeoutSeconds).Endpoint();
}

}  // namespace

std::vector<app::ReadinessProbe> DependencyProbes(const domain::Config& config) {
    return {
        {"mysql", [db = config.db] { return CheckMysql(db); }},
        {"rabbitmq", [rabbit = config.rabbitmq] { return CheckRabbitmq(rabbit); }},
        {"redis", [redis = config.redis] { return CheckRedis(redis); }},
    };
}

}  // namespace bulkmsg::cli
