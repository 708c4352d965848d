#include "cli/poller_wiring.hpp"

#include "adapters/amqp/amqp_publisher.hpp"
#include "adapters/mysql/mysql_outbox_store.hpp"
#include "app/log.hpp"

namespace bulkmsg::cli {

void RunPoller(const domain::Config& config, app::StopToken& stop, app::RelayStats& stats) {
    mysql::MysqlOutboxStore store(config.db);
    amqp::AmqpPublisher publisher(config.rabbitmq,
                                  {config.queues.queue, config.queues.dead_letter_queue, config.queues.type},
                                  std::chrono::milliseconds(config.poller.confirm_timeout_ms));
    app::SystemClock clock;
    app::SystemRandom random;
    app::RelayOptions options;
    options.batch_size = config.poller.batch_size;
    options.lease = std::chrono::seconds(config.poller.queued_lease_seconds);
    options.poll_interval = std::chrono::milliseconds(config.poller.poll_interval_ms);
    options.pipeline_depth = config.poller.pipeline_depth;
    app::OutboxRelay relay(store, publisher, clock, random, options, stats);
    app::Log(app::LogLevel::kInfo, "poller", "polling the outbox",
             {{"batch_size", options.batch_size},
              {"poll_interval_ms", options.poll_interval.count()},
              {"pipeline_depth", options.pipeline_depth},
              {"lease_seconds", options.lease.count()},
              {"queue", config.queues.queue}});
    relay.Run(stop);
    app::Log(app::LogLevel::kInfo, "poller", "poller stopped",
             {{"published", stats.published.load()}, {"claimed", stats.claimed.load()}});
}

}  // namespace bulkmsg::cli
