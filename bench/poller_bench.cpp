// Poller benchmark: pending -> queued for N outbox rows with 1..K pollers against the local stack
// (real MariaDB, real RabbitMQ with publisher confirms). Prints the figures and writes them as JSON.
//
//   build/bench/bulkmsg_poller_bench --rows 200000 --pollers 1,2 --json bench/results/poller.json
#include <amqp.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <deque>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/amqp/amqp_publisher.hpp"
#include "adapters/mysql/mysql_migration_store.hpp"
#include "adapters/mysql/mysql_outbox_store.hpp"
#include "app/config_loader.hpp"
#include "app/embedded_migrations.hpp"
#include "app/log.hpp"
#include "scratch.hpp"
#include "app/outbox_relay.hpp"
#include "app/run_migrations.hpp"

namespace bulkmsg {
namespace {

using Seconds = std::chrono::duration<double>;

struct Options {
    std::uint64_t rows = 200000;
    std::vector<unsigned> pollers{1, 2};
    std::uint32_t batch_size = 1000;
    std::uint32_t pipeline_depth = 4;
    std::string queue_type = "classic";
    std::string json_path;
};

using bench::Scratch;

void InsertRows(Scratch& scratch, std::uint64_t rows) {
    auto& sql = scratch.Sql();
    sql.Execute("INSERT INTO campaigns (name, kind, status, template_text) VALUES ('bench', 'email', 'running', 'x')");
    for (std::uint64_t done = 0; done < rows; done += 50000) {
        const auto chunk = std::min<std::uint64_t>(50000, rows - done);
        sql.Execute(
            "INSERT INTO outbox (campaign_id, user_ref, kind, payload, idempotency_key, available_at) "
            "SELECT 1, CONCAT('user', seq, '@example.com'), 'email', '{\"subject\":\"Hello\"}', "
            "SHA2(CONCAT(" + std::to_string(done) + ", '-', seq), 256), NOW(6) - INTERVAL 1 SECOND FROM seq_1_to_" +
            std::to_string(chunk));
    }
}

// Back to all-pending with an empty queue, so each run starts from the same state.
void Reset(Scratch& scratch) {
    scratch.Sql().Execute("UPDATE outbox SET status='pending', queued_at=NULL");
    amqp::AmqpConnection connection(scratch.Config().rabbitmq);
    amqp::DeclareTopology(connection, scratch.Topology());
    amqp_queue_purge(connection.Raw(), amqp::AmqpConnection::kChannel,
                     amqp_cstring_bytes(scratch.Topology().queue.c_str()));
    connection.CheckReply("purge");
}

struct PollerRun {
    std::unique_ptr<mysql::MysqlOutboxStore> store;
    std::unique_ptr<amqp::AmqpPublisher> publisher;
    app::SystemClock clock;
    app::SystemRandom random;
    app::RelayStats stats;
    std::unique_ptr<app::OutboxRelay> relay;
};

nlohmann::json RunOnce(Scratch& scratch, unsigned pollers, const Options& options) {
    Reset(scratch);
    std::vector<std::unique_ptr<PollerRun>> runs;
    for (unsigned i = 0; i < pollers; ++i) {
        auto run = std::make_unique<PollerRun>();
        run->store = std::make_unique<mysql::MysqlOutboxStore>(scratch.Config().db);
        run->publisher = std::make_unique<amqp::AmqpPublisher>(scratch.Config().rabbitmq, scratch.Topology(),
                                                               std::chrono::seconds(30));
        app::RelayOptions relay_options;
        relay_options.batch_size = options.batch_size;
        relay_options.pipeline_depth = options.pipeline_depth;
        relay_options.poll_interval = std::chrono::milliseconds(20);
        run->relay = std::make_unique<app::OutboxRelay>(*run->store, *run->publisher, run->clock, run->random,
                                                        relay_options, run->stats);
        runs.push_back(std::move(run));
    }
    app::StopToken stop;
    std::vector<std::thread> threads;
    const auto start = std::chrono::steady_clock::now();
    for (auto& run : runs) {
        threads.emplace_back([&run, &stop] { run->relay->Run(stop); });
    }
    // Progress comes from the pollers' own counters: polling COUNT(*) would load the database under test.
    const auto published = [&runs] {
        std::uint64_t total = 0;
        for (const auto& run : runs) {
            total += run->stats.published;
        }
        return total;
    };
    auto next_report = start;
    while (published() < options.rows) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (std::chrono::steady_clock::now() >= next_report) {
            std::cerr << "  " << pollers << " poller(s): " << published() << "/" << options.rows << " queued\n";
            next_report += std::chrono::seconds(2);
        }
    }
    const Seconds elapsed = std::chrono::steady_clock::now() - start;
    stop.RequestStop();
    for (auto& thread : threads) {
        thread.join();
    }
    if (scratch.Count("status='queued'") != options.rows) {
        throw std::runtime_error("rows reported published but not all queued in the database");
    }
    std::uint64_t batches = 0, confirm_us = 0, errors = 0;
    for (const auto& run : runs) {
        batches += run->stats.batches;
        confirm_us += run->stats.confirm_wait_us_total;
        errors += run->stats.errors;
    }
    const double rate = static_cast<double>(options.rows) / elapsed.count();
    const double confirm_ms = batches ? static_cast<double>(confirm_us) / static_cast<double>(batches) / 1000.0 : 0.0;
    std::cout << pollers << " poller(s): " << options.rows << " rows pending -> queued in " << elapsed.count()
              << " s = " << static_cast<std::uint64_t>(rate) << " rows/s (" << batches << " batches, mean publish+confirm "
              << confirm_ms << " ms/batch, " << errors << " errors)\n";
    return {{"pollers", pollers},     {"rows", options.rows},        {"seconds", elapsed.count()},
            {"rows_per_second", rate}, {"batches", batches},          {"published", published()},
            {"errors", errors},        {"mean_confirm_ms_per_batch", confirm_ms}};
}

// The broker's ingest ceiling on this machine: the same number of messages of the same size through the same
// publisher and pipeline depth, without the database. Tells whether the broker or the database limits a run.
nlohmann::json RunPublishOnly(Scratch& scratch, const Options& options) {
    Reset(scratch);
    amqp::AmqpPublisher publisher(scratch.Config().rabbitmq, scratch.Topology(), std::chrono::seconds(30));
    const app::OutgoingMessage message{std::string(180, 'x'), std::string(64, 'k'), 1,
                                       "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"};
    std::deque<app::PublishTicket> in_flight;
    std::uint64_t sent = 0, acked = 0;
    const auto start = std::chrono::steady_clock::now();
    const auto collect = [&] {
        for (bool ok : publisher.AwaitConfirms(in_flight.front())) {
            acked += ok ? 1 : 0;
        }
        in_flight.pop_front();
    };
    while (sent < options.rows) {
        const auto count = std::min<std::uint64_t>(options.batch_size, options.rows - sent);
        in_flight.push_back(publisher.Publish(std::vector<app::OutgoingMessage>(count, message)));
        sent += count;
        if (in_flight.size() >= options.pipeline_depth) {
            collect();
        }
    }
    while (!in_flight.empty()) {
        collect();
    }
    const Seconds elapsed = std::chrono::steady_clock::now() - start;
    const double rate = static_cast<double>(acked) / elapsed.count();
    std::cout << "broker only: " << acked << " messages published and confirmed in " << elapsed.count()
              << " s = " << static_cast<std::uint64_t>(rate) << " msgs/s (no database)\n";
    return {{"messages", acked}, {"seconds", elapsed.count()}, {"messages_per_second", rate}};
}

int Main(int argc, char** argv) {
    Options options;
    CLI::App cli{"bulkmsg poller benchmark: pending -> queued throughput against the local stack"};
    cli.add_option("--rows", options.rows, "outbox rows")->check(CLI::Range(1u, 10'000'000u));
    cli.add_option("--pollers", options.pollers, "poller counts to run, e.g. 1,2")->delimiter(',');
    cli.add_option("--batch", options.batch_size, "rows per claim (POLL_BATCH_SIZE)")->check(CLI::Range(1u, 10000u));
    cli.add_option("--depth", options.pipeline_depth, "batches in flight per poller (POLL_PIPELINE_DEPTH)")
        ->check(CLI::Range(1u, 16u));
    cli.add_option("--queue-type", options.queue_type, "classic or quorum")->check(CLI::IsMember({"classic", "quorum"}));
    cli.add_option("--json", options.json_path, "write results here");
    CLI11_PARSE(cli, argc, argv);

    auto config = app::LoadConfig(std::nullopt);
    config.log.level = "warn";
    app::InitLogging(config.log);
    Scratch scratch(config, options.queue_type);
    const auto insert_start = std::chrono::steady_clock::now();
    InsertRows(scratch, options.rows);
    std::cout << "inserted " << options.rows << " outbox rows in "
              << Seconds(std::chrono::steady_clock::now() - insert_start).count() << " s; queue type "
              << options.queue_type << ", batch " << options.batch_size << ", depth " << options.pipeline_depth << ", " << std::thread::hardware_concurrency()
              << " CPUs\n";

    nlohmann::json results = {{"benchmark", "poller"},
                              {"queue_type", options.queue_type},
                              {"batch_size", options.batch_size},
                              {"pipeline_depth", options.pipeline_depth},
                              {"cpus", std::thread::hardware_concurrency()},
                              {"runs", nlohmann::json::array()}};
    results["broker_only"] = RunPublishOnly(scratch, options);
    for (auto pollers : options.pollers) {
        results["runs"].push_back(RunOnce(scratch, pollers, options));
    }
    if (!options.json_path.empty()) {
        std::ofstream(options.json_path) << results.dump(2) << "\n";
        std::cout << "results written to " << options.json_path << "\n";
    }
    return 0;
}

}  // namespace
}  // namespace bulkmsg

int main(int argc, char** argv) {
    try {
        return bulkmsg::Main(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "poller bench failed: " << e.what() << "\n";
        return 1;
    }
}
