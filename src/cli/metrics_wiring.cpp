#include "cli/metrics_wiring.hpp"

#include <chrono>
#include <memory>
#include <optional>

#include "adapters/amqp/topology.hpp"
#include "adapters/mysql/mysql_connection.hpp"
#include "adapters/system/process_metrics.hpp"
#include "app/kept_connection.hpp"
#include "app/log.hpp"
#include "app/metrics/metrics.hpp"
#include "app/version.hpp"
#include "domain/outbox_status.hpp"

namespace bulkmsg::cli {

namespace {

/// Reads the state gauges from MySQL and RabbitMQ. Runs on the scraping thread under the registry's lock.
class StateMetrics {
public:
    explicit StateMetrics(const domain::Config& config) : config_(config) {}

    void Collect() {
        const auto now = std::chrono::steady_clock::now();
        if (last_ && now - *last_ < std::chrono::seconds(kStateRefreshSeconds)) {
            return;
        }
        last_ = now;
        auto& metrics = app::ProcessMetrics();
        // Both connections are kept between refreshes: RabbitMQ logs every connection opened and closed.
        const auto database_error = app::ReadWithKeptConnection(
            database_, [&] { return std::make_unique<mysql::MysqlConnection>(config_.db, 5); },
            [&](mysql::MysqlConnection& c) { ReadDatabase(c, metrics); });
        if (database_error) {
            app::Log(app::LogLevel::kWarn, "metrics", "cannot read outbox gauges", {{"error", *database_error}});
        }
        const auto broker_error = app::ReadWithKeptConnection(
            broker_, [&] { return std::make_unique<amqp::AmqpConnection>(config_.rabbitmq, 2); },
            [&](amqp::AmqpConnection& c) {
                for (const auto& queue : {config_.queues.queue, config_.queues.dead_letter_queue}) {
                    metrics.queue_messages.With({queue}).Set(static_cast<double>(amqp::QueueDepth(c, queue)));
                }
            });
        if (broker_error) {
            app::Log(app::LogLevel::kWarn, "metrics", "cannot read queue depths", {{"error", *broker_error}});
        }
    }

private:
    static void ReadDatabase(mysql::MysqlConnection& database, app::Metrics& metrics) {
        // Every status gets a series (0 when absent), so a status that empties reads 0, not its last count.
        for (const auto status : domain::kAllOutboxStatuses) {
            metrics.outbox_rows.With({std::string(domain::ToString(status))}).Set(0);
        }
        for (const auto& row : database.Query("SELECT status, COUNT(*) FROM outbox GROUP BY status")) {
            metrics.outbox_rows.With({row[0].value_or("")}).Set(std::stod(row[1].value_or("0")));
        }
        metrics.campaigns.Clear();
        for (const auto& row : database.Query("SELECT status, COUNT(*) FROM campaigns GROUP BY status")) {
            metrics.campaigns.With({row[0].value_or("")}).Set(std::stod(row[1].value_or("0")));
        }
        metrics.campaign_messages.Clear();
        for (const auto& row : database.Query(
                 "SELECT o.campaign_id, o.status, COUNT(*) FROM campaigns c JOIN outbox o ON o.campaign_id = c.id "
                 "WHERE c.status IN ('preparing', 'running', 'paused') GROUP BY o.campaign_id, o.status")) {
            metrics.campaign_messages.With({row[0].value_or(""), row[1].value_or("")})
                .Set(std::stod(row[2].value_or("0")));
        }
    }

    domain::Config config_;
    std::optional<std::chrono::steady_clock::time_point> last_;
    std::unique_ptr<mysql::MysqlConnection> database_;
    std::unique_ptr<amqp::AmqpConnection> broker_;
};

}  // namespace

void SetUpMetrics(const std::string& role, const domain::Config& config) {
    auto& metrics = app::ProcessMetrics();
    metrics.build_info.With({app::kVersion, app::kRevision, role}).Set(1);
    system::RegisterProcessMetrics(metrics.registry);
    if (role == "poller" || role == "all") {
        auto state = std::make_shared<StateMetrics>(config);
        metrics.registry.AddCollector([state] { state->Collect(); });
    }
}

}  // namespace bulkmsg::cli
