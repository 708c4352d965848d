#include "cli/consumer_wiring.hpp"

#include <algorithm>
#include <thread>

#include "adapters/amqp/amqp_consumer.hpp"
#include "adapters/mysql/mysql_delivery_store.hpp"
#include "adapters/redis/redis_delivery_guards.hpp"
#include "adapters/redis/redis_progress_cache.hpp"
#include "app/delivery_worker.hpp"
#include "app/log.hpp"
#include "cli/provider_wiring.hpp"
#include "domain/backoff.hpp"

namespace bulkmsg::cli {

namespace {

/// basic.qos in messages: CONSUMER_PREFETCH counts rows, and a message carries up to QUEUE_BATCH_SIZE of them. At
/// least two, so the next batch is at hand while the last items of one are still being sent.
std::uint16_t PrefetchMessages(const domain::Config& config) {
    const auto rows = config.consumer.prefetch;
    const auto batch = std::max<std::uint32_t>(1, config.poller.queue_batch_size);
    const auto messages = (rows + batch - 1) / batch;
    return static_cast<std::uint16_t>(std::min<std::uint32_t>(batch == 1 ? messages : std::max(2u, messages), 65535));
}

app::DeliveryWorkerOptions WorkerOptions(const domain::Config& config) {
    const auto& k = config.consumer;
    app::DeliveryWorkerOptions o;
    o.prefetch = PrefetchMessages(config);
    o.max_in_flight = k.max_in_flight;
    o.lease = std::chrono::seconds(config.poller.queued_lease_seconds);
    o.retry = {k.max_attempts, std::chrono::seconds(k.retry_delay_seconds), k.exponential_backoff};
    o.rate_per_second = {{domain::Channel::kEmail, k.email_rate},
                         {domain::Channel::kSms, k.sms_rate},
                         {domain::Channel::kPush, k.push_rate}};
    return o;
}

/// What every worker of the process shares (all thread-safe).
struct Shared {
    const domain::Config& config;
    mysql::MysqlDeliveryStore store{config.db};
    redis::RedisSentMarkers markers{config.redis, config.db.name,
                                    std::chrono::seconds(config.consumer.sent_marker_ttl_seconds)};
    redis::RedisRateLimiter limiter{config.redis, config.db.name};
    redis::RedisProgressCache progress{config.redis, config.db.name};
};

void RunWorker(Shared& shared, unsigned index, app::StopToken& stop) {
    const auto& config = shared.config;
    app::SystemClock clock;
    app::SystemRandom random;
    auto providers = BuildWorkerProviders(config, clock);
    const amqp::Topology topology{config.queues.queue, config.queues.dead_letter_queue, config.queues.type};
    const std::chrono::milliseconds drain(std::chrono::seconds(config.consumer.shutdown_timeout_seconds));
    app::EndpointRotation rotation(config.rabbitmq.endpoints.size());  // kept across reconnections: failover
    const auto options = WorkerOptions(config);
    unsigned failures = 0;
    while (!stop.StopRequested()) {
        std::unique_ptr<amqp::AmqpConsumer> queue;
        std::unique_ptr<app::DeliveryWorker> worker;
        try {
            queue = std::make_unique<amqp::AmqpConsumer>(config.rabbitmq, rotation, topology, options.prefetch);
            worker = std::make_unique<app::DeliveryWorker>(options, *queue, shared.store, shared.markers,
                                                           shared.limiter, *providers.router, *providers.transport,
                                                           clock, random, &shared.progress);
            if (failures > 0) {
                app::Log(app::LogLevel::kInfo, "consumer", "reconnected", {{"worker", index}, {"after", failures}});
            }
            failures = 0;
            worker->Run(stop, drain);
            return;
        } catch (const std::exception& e) {
            app::Log(app::LogLevel::kWarn, "consumer", "broker connection failed",
                     {{"worker", index}, {"error", e.what()}});
            if (worker) {
                worker->Drain(drain);  // store what finished; the broker requeues the unacknowledged messages
            }
        }
        stop.WaitFor(domain::ReconnectDelay(++failures, random.Unit()));
    }
}

}  // namespace

void CheckProviderConfig(const domain::Config& config) {
    app::SystemClock clock;
    BuildWorkerProviders(config, clock);
}

void RunConsumers(const domain::Config& config, app::StopToken& stop) {
    Shared shared{config};
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < config.consumer.workers; ++i) {
        threads.emplace_back([&shared, i, &stop] { RunWorker(shared, i, stop); });
    }
    for (auto& t : threads) {
        t.join();
    }
}

}  // namespace bulkmsg::cli
