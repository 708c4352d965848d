// Delivery benchmark: N outbox rows (email, SMS and push) from pending to sent through real `bulkmsg poller` and
// `bulkmsg consumer` processes, the local MariaDB/RabbitMQ/Redis and bulkmsg-provider-sim answering at once.
// Prints messages/s and the queued → sent latency percentiles; writes them as JSON. Run through bench/delivery-bench.
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/http_client/curl_transport.hpp"
#include "app/config_loader.hpp"
#include "scratch.hpp"

extern char** environ;

namespace bulkmsg {
namespace {

using Seconds = std::chrono::duration<double>;

/// A child process with the current environment plus `env`; SIGTERM and wait at destruction.
class Child {
public:
    Child(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
        std::map<std::string, std::string> merged;
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string entry(*e);
            const auto eq = entry.find('=');
            merged[entry.substr(0, eq)] = entry.substr(eq + 1);
        }
        for (const auto& [k, v] : env) {
            merged[k] = v;
        }
        std::vector<std::string> env_strings;
        for (const auto& [k, v] : merged) {
            env_strings.push_back(k + "=" + v);
        }
        std::vector<char*> argv, envp;
        for (const auto& a : args) {
            argv.push_back(const_cast<char*>(a.c_str()));
        }
        argv.push_back(nullptr);
        for (auto& e : env_strings) {
            envp.push_back(e.data());
        }
        envp.push_back(nullptr);
        if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), envp.data()) != 0) {
            throw std::runtime_error("cannot start " + args[0]);
        }
    }
    ~Child() {
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
    }

private:
    pid_t pid_ = -1;
};

/// A loopback TCP port that was free a moment ago (the processes' METRICS_PORT).
std::string FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
    close(fd);
    return std::to_string(ntohs(addr.sin_port));
}

void InsertRows(bench::Scratch& scratch, std::uint64_t rows) {
    auto& sql = scratch.Sql();
    sql.Execute("INSERT INTO campaigns (name, kind, status, template_text) VALUES ('bench', 'email', 'running', 'x')");
    // 40 % email, 30 % SMS, 15 % FCM, 15 % APNs.
    const std::string user =
        "CASE WHEN n % 20 < 8 THEN CONCAT('user', n, '@example.com') WHEN n % 20 < 14 THEN CONCAT('+1415', "
        "LPAD(n, 8, '0')) WHEN n % 20 < 17 THEN CONCAT('fcm-token-', n, REPEAT('x', 40)) ELSE LPAD(LOWER(HEX(n)), "
        "64, '0') END";
    const std::string kind = "CASE WHEN n % 20 < 8 THEN 'email' WHEN n % 20 < 14 THEN 'sms' ELSE 'push' END";
    const std::string payload =
        "CASE WHEN n % 20 < 8 THEN JSON_OBJECT('to', u, 'from', 'news@example.com', 'subject', 'Hello', 'text', "
        "'Hi there') WHEN n % 20 < 14 THEN JSON_OBJECT('to', u, 'from', '+15005550006', 'body', 'Hi there') ELSE "
        "JSON_OBJECT('token', u, 'title', 'Hello', 'body', 'Hi there') END";
    for (std::uint64_t done = 0; done < rows; done += 50000) {
        const auto chunk = std::min<std::uint64_t>(50000, rows - done);
        sql.Execute("INSERT INTO outbox (campaign_id, user_ref, kind, payload, idempotency_key) SELECT 1, u, k, " +
                    payload + ", SHA2(CONCAT('1:', u, ':', k), 256) FROM (SELECT n, " + user + " AS u, " + kind +
                    " AS k FROM (SELECT seq + " + std::to_string(done) + " AS n FROM seq_1_to_" +
                    std::to_string(chunk) + ") s) t");
    }
}

double Percentile(const std::vector<double>& sorted, double p) {
    return sorted.empty() ? 0 : sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
}

}  // namespace
}  // namespace bulkmsg

int main(int argc, char** argv) {
    using namespace bulkmsg;
    CLI::App app{"End-to-end delivery benchmark: pending → sent through poller and consumer processes"};
    std::string env_file, bulkmsg_binary, json_path;
    std::uint64_t messages = 200000;
    unsigned workers = 3;
    app.add_option("--env-file", env_file, "Variables pointing the clients at the simulator")->required();
    app.add_option("--bulkmsg", bulkmsg_binary, "The bulkmsg binary")->required();
    app.add_option("--messages", messages, "Outbox rows")->capture_default_str();
    app.add_option("--workers", workers, "CONSUMER_WORKERS")->capture_default_str();
    app.add_option("--json", json_path, "Write the results here");
    CLI11_PARSE(app, argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);

    const auto sim_env = app::LoadEnvVars(env_file);
    auto base = sim_env;
    for (const auto& [k, v] : app::LoadEnvVars(std::nullopt)) {
        base.emplace(k, v);
    }
    bench::Scratch scratch(domain::ParseConfig(base), "classic");
    std::printf("inserting %llu outbox rows...\n", static_cast<unsigned long long>(messages));
    InsertRows(scratch, messages);

    std::map<std::string, std::string> env(sim_env.begin(), sim_env.end());
    env["DB_NAME"] = scratch.Config().db.name;
    env["NOTIFICATION_QUEUE"] = scratch.Topology().queue;
    env["DEAD_LETTER_QUEUE"] = scratch.Topology().dead_letter_queue;
    env["LOG_LEVEL"] = "warn";
    env["CONSUMER_WORKERS"] = std::to_string(workers);
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t sent = 0;
    {
        auto poller_env = env;
        poller_env["METRICS_PORT"] = FreePort();
        env["METRICS_PORT"] = FreePort();
        Child poller({bulkmsg_binary, "poller"}, poller_env);
        Child consumer({bulkmsg_binary, "consumer"}, env);
        auto next_report = start;
        const auto deadline = start + std::chrono::minutes(20);
        while (sent < messages && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
            sent = scratch.Count("status='sent'");
            if (std::chrono::steady_clock::now() >= next_report) {
                std::printf("  %8llu / %llu sent after %.1f s\n", static_cast<unsigned long long>(sent),
                            static_cast<unsigned long long>(messages),
                            Seconds(std::chrono::steady_clock::now() - start).count());
                next_report += std::chrono::seconds(2);
            }
        }
    }
    const double wall = Seconds(std::chrono::steady_clock::now() - start).count();
    std::vector<double> latencies;
    for (const auto& row : scratch.Sql().Query(
             "SELECT TIMESTAMPDIFF(MICROSECOND, queued_at, sent_at) / 1000 FROM outbox WHERE status='sent' ORDER BY 1")) {
        latencies.push_back(std::stod(row[0].value_or("0")));
    }
    const double db_seconds = std::stod(scratch.Sql()
                                            .QueryValue("SELECT TIMESTAMPDIFF(MICROSECOND, MIN(queued_at), "
                                                        "MAX(sent_at)) / 1e6 FROM outbox")
                                            .value_or("0"));
    domain::ProviderRequest stats_request;
    stats_request.method = "GET";
    stats_request.url = sim_env.at("PROVIDER_SIMULATOR_URL") + "/_sim/stats";
    const auto stats = nlohmann::json::parse(http::FetchOnce(stats_request, {}).response.body, nullptr, false);
    const nlohmann::json results = {
        {"messages", messages},
        {"sent", sent},
        {"consumer_workers", workers},
        {"wall_seconds_including_process_start", wall},
        {"messages_per_second", static_cast<double>(sent) / db_seconds},
        {"first_publish_to_last_send_seconds", db_seconds},
        {"queued_to_sent_ms", {{"p50", Percentile(latencies, 0.5)}, {"p99", Percentile(latencies, 0.99)}}},
        {"simulator_accepted", stats.value("accepted", 0)},
        {"simulator_duplicates", stats.value("duplicates", 0)}};
    std::printf("sent %llu of %llu: %.0f msg/s (first publish to last send %.2f s; wall %.2f s with process start)\n",
                static_cast<unsigned long long>(sent), static_cast<unsigned long long>(messages),
                results["messages_per_second"].get<double>(), db_seconds, wall);
    std::printf("queued -> sent latency: p50 %.1f ms, p99 %.1f ms; simulator duplicates %d\n",
                Percentile(latencies, 0.5), Percentile(latencies, 0.99), stats.value("duplicates", -1));
    if (!json_path.empty()) {
        std::ofstream(json_path) << results.dump(2) << "\n";
    }
    return sent == messages && stats.value("duplicates", -1) == 0 ? 0 : 1;
}
