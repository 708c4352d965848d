#include "cli/poller_wiring.hpp"

#include "adapters/amqp/amqp_publisher.hpp"
#include "adapters/mysql/mysql_feedback_store.hpp"
#include "adapters/mysql/mysql_outbox_store.hpp"
#include "adapters/mysql/mysql_preparation_store.hpp"
#include "app/campaign_preparer.hpp"
#include "app/feedback_ingest.hpp"
#include "app/log.hpp"
#include "domain/backoff.hpp"
#include "domain/list_unsubscribe.hpp"

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
    options.drain = config.poller.drain;
    options.queue_batch_size = config.poller.queue_batch_size;
    app::OutboxRelay relay(store, publisher, clock, random, options, stats);
    app::Log(app::LogLevel::kInfo, "poller", "polling the outbox",
             {{"batch_size", options.batch_size},
              {"queue_batch_size", options.queue_batch_size},
              {"poll_interval_ms", options.poll_interval.count()},
              {"pipeline_depth", options.pipeline_depth},
              {"drain", options.drain},
              {"lease_seconds", options.lease.count()},
              {"queue", config.queues.queue}});
    relay.Run(stop);
    app::Log(app::LogLevel::kInfo, "poller", "poller stopped",
             {{"published", stats.published.load()}, {"claimed", stats.claimed.load()}});
}

void RunScheduler(const domain::Config& config, app::StopToken& stop) {
    mysql::MysqlPreparationStore store(config.db);
    app::SystemRandom random;
    app::CampaignPreparer preparer(store, {config.email.from, config.sms.sender_id}, config.poller.prepare_batch_size,
                                   std::chrono::seconds(config.poller.schedule_max_lateness_seconds),
                                   domain::UnsubscribeLinksOf(config));
    mysql::MysqlPool pool(config.db, 1);
    mysql::MysqlFeedbackStore feedback_store(pool);
    app::FeedbackIngest feedback(feedback_store);
    unsigned failures = 0;
    while (!stop.StopRequested()) {
        auto wait = std::chrono::milliseconds(config.poller.poll_interval_ms);
        try {
            preparer.RunDue(domain::Clock::now(), &stop);
            feedback.MatchLate(domain::Clock::now());
            failures = 0;
        } catch (const std::exception& e) {
            wait = domain::ReconnectDelay(++failures, random.Unit());
            app::Log(app::LogLevel::kError, "scheduler", "scheduler tick failed; retrying",
                     {{"error", e.what()}, {"failures", failures}, {"retry_in_ms", wait.count()}});
        }
        stop.WaitFor(wait);
    }
}

}  // namespace bulkmsg::cli
