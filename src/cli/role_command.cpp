#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include "adapters/http/http_server.hpp"
#include "api/observed_handler.hpp"
#include "api/ops_routes.hpp"
#include "api/webhook_routes.hpp"
#include "app/log.hpp"
#include "app/metrics/metrics.hpp"
#include "cli/api_wiring.hpp"
#include "cli/commands.hpp"
#include "cli/consumer_wiring.hpp"
#include "cli/dependencies.hpp"
#include "cli/metrics_wiring.hpp"
#include "cli/poller_wiring.hpp"
#include "cli/shutdown_signal.hpp"
#include "cli/tracing_wiring.hpp"

namespace bulkmsg::cli {

namespace {

// The consumers' providers have what they need; otherwise says which variable is wrong.
bool ProvidersConfigured(const domain::Config& config) {
    try {
        CheckProviderConfig(config);
        return true;
    } catch (const domain::ConfigError& e) {
        std::fprintf(stderr, "bulkmsg: configuration error: %s\n", e.what());
        return false;
    }
}

}  // namespace

int RunRole(const std::string& role, const domain::Config& config) {
    IgnoreBrokenPipes();
    BlockShutdownSignals();
    const bool serves_api = role == "api" || role == "all";
    const bool polls = role == "poller" || role == "all";
    const bool consumes = role == "consumer" || role == "all";
    if (consumes && !ProvidersConfigured(config)) {
        return kExitConfigError;
    }
    const std::uint16_t port = serves_api ? config.api_port : config.metrics_port;
    SetUpMetrics(role, config);
    const auto tracing = SetUpTracing(role, config);
    const auto webhooks =
        serves_api ? WebhookSettingsOf(config).Enabled() : std::vector<std::pair<std::string, bool>>{};
    api::OpsRoutes ops(
        role, [probes = DependencyProbes(config)] { return app::CheckReadiness(probes); },
        &app::ProcessMetrics().registry, webhooks);
    ApiWiring wiring(config);
    auto& api = wiring.api;
    const auto handler = api::ObservedHandler(
        [&](const app::HttpRequest& r) { return serves_api && api.Owns(r.path) ? api.Handle(r) : ops.Handle(r); });
    // Uploads hold an I/O thread while they stream: two threads beyond the uploads' keep other requests and the
    // probes answered meanwhile.
    const std::uint64_t api_limit = std::uint64_t{config.api_body_limit_mb} << 20;
    http::HttpServer server(
        {"0.0.0.0", port, serves_api ? config.api_max_concurrent_uploads + 2 : 2u, serves_api ? api_limit : 1 << 20},
        handler);
    if (serves_api) {
        // The webhooks read up to the larger limit, so that WebhookRoutes refuses (and counts) a body over
        // WEBHOOK_BODY_LIMIT_MB itself; only a body over both gets the server's 413.
        const auto webhook_limit = std::max(api_limit, std::uint64_t{config.webhooks.body_limit_mb} << 20);
        server.LimitBodies([api_limit, webhook_limit](const app::HttpRequest& head) {
            return api::WebhookRoutes::Owns(head.path) ? webhook_limit : api_limit;
        });
        server.StreamBodies([&api](const app::HttpRequest& head) { return api.StreamsBody(head); },
                            std::uint64_t{config.api_upload_limit_mb} << 20);
    }
    try {
        server.Start();
    } catch (const std::exception& e) {
        app::Log(app::LogLevel::kCritical, role, "cannot listen", {{"port", port}, {"error", e.what()}});
        return kExitFailure;
    }
    app::Log(app::LogLevel::kInfo, role, "started", {{"port", server.Port()}});

    app::StopToken stop;
    app::RelayStats poller_stats;
    std::vector<std::thread> workers;
    if (polls) {
        workers.emplace_back([&] { RunPoller(config, stop, poller_stats); });
        workers.emplace_back([&] { RunScheduler(config, stop); });
    }
    if (consumes) {
        workers.emplace_back([&] { RunConsumers(config, stop); });
    }

    const int signal_number = WaitForShutdownSignal();
    app::Log(app::LogLevel::kInfo, role, "shutting down", {{"signal", strsignal(signal_number)}});
    stop.RequestStop();
    for (auto& worker : workers) {
        worker.join();
    }
    server.Stop();
    app::Log(app::LogLevel::kInfo, role, "stopped");
    return kExitOk;
}

}  // namespace bulkmsg::cli
