// Provider client benchmark: messages/s of each real client (SendGrid, Twilio, FCM, APNs over HTTP/2) against
// bulkmsg-provider-sim with a fixed number of requests in flight. Run through bench/provider-bench, which starts
// the simulator and passes its variables in --env-file.
//
//   bench/provider-bench --messages 20000 --in-flight 64 --json bench/results/providers.json
#include <CLI/CLI.hpp>
#include <fstream>
#include <map>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/config_loader.hpp"
#include "app/log.hpp"
#include "cli/provider_wiring.hpp"

namespace bulkmsg {
namespace {

using Seconds = std::chrono::duration<double>;

domain::OutboundMessage Message(const std::string& provider, std::uint64_t i) {
    domain::OutboundMessage m;
    m.outbox_id = i;
    m.campaign_id = 1;
    m.idempotency_key = provider + "-" + std::to_string(i);
    if (provider == "sendgrid") {
        m.kind = domain::Channel::kEmail;
        m.user_ref = "user" + std::to_string(i) + "@example.com";
        m.payload = {{"to", m.user_ref}, {"from", "news@example.com"}, {"subject", "Hello"}, {"text", "Hi there"}};
    } else if (provider == "twilio") {
        m.kind = domain::Channel::kSms;
        m.user_ref = "+1415555" + std::to_string(1000 + i % 9000);
        m.payload = {{"to", m.user_ref}, {"from", "+15005550006"}, {"body", "Hi there"}};
    } else {
        m.kind = domain::Channel::kPush;
        const auto n = std::to_string(i);
        m.user_ref = provider == "apns" ? n + std::string(64 - n.size(), 'a') : "fcm-token-" + n + std::string(40, 'x');
        m.payload = {{"token", m.user_ref}, {"title", "Hello"}, {"body", "Hi there"}, {"data", {{"k", "v"}}}};
    }
    return m;
}

struct Figures {
    std::uint64_t sent = 0, failed = 0;
    double seconds = 0;
    std::map<std::string, std::uint64_t> failure_reasons;
};

Figures Run(const domain::Config& config, const std::string& provider, std::uint64_t messages, std::size_t in_flight) {
    app::SystemClock clock;
    auto providers = cli::BuildWorkerProviders(config, clock);
    Figures f;
    std::uint64_t next = 0, done = 0;
    const auto start = std::chrono::steady_clock::now();
    while (done < messages) {
        while (next < messages && providers.transport->InFlight() < in_flight) {
            const auto m = Message(provider, next++);
            providers.router->For(m).Send(m, [&](domain::SendResult r) {
                ++done;
                if (r.outcome == domain::SendOutcome::kSent) {
                    ++f.sent;
                } else {
                    ++f.failed;
                    ++f.failure_reasons[r.reason];
                }
            });
        }
        providers.transport->Poll(std::chrono::milliseconds(5));
    }
    f.seconds = Seconds(std::chrono::steady_clock::now() - start).count();
    return f;
}

}  // namespace
}  // namespace bulkmsg

int main(int argc, char** argv) {
    using namespace bulkmsg;
    CLI::App app{"Provider client throughput against bulkmsg-provider-sim"};
    std::string env_file, json_path;
    std::uint64_t messages = 20000;
    std::size_t in_flight = 64;
    std::vector<std::string> providers{"sendgrid", "twilio", "fcm", "apns"};
    app.add_option("--env-file", env_file, "Variables pointing the clients at the simulator")->required();
    app.add_option("--messages", messages, "Messages per provider")->capture_default_str();
    app.add_option("--in-flight", in_flight, "Requests in flight")->capture_default_str();
    app.add_option("--providers", providers, "Providers to measure")->delimiter(',');
    app.add_option("--json", json_path, "Write the results here");
    CLI11_PARSE(app, argc, argv);
    app::InitLogging({"warn", "text"});
    const auto config = domain::ParseConfig(app::LoadEnvVars(env_file));
    nlohmann::json results = {{"messages", messages}, {"in_flight", in_flight}, {"providers", nlohmann::json::object()}};
    for (const auto& provider : providers) {
        const auto f = Run(config, provider, messages, in_flight);
        const double rate = static_cast<double>(f.sent + f.failed) / f.seconds;
        std::printf("%-9s %8llu sent %6llu failed  %7.2f s  %9.0f msg/s\n", provider.c_str(),
                    static_cast<unsigned long long>(f.sent), static_cast<unsigned long long>(f.failed), f.seconds,
                    rate);
        for (const auto& [reason, count] : f.failure_reasons) {
            std::printf("          %llu x %s\n", static_cast<unsigned long long>(count), reason.c_str());
        }
        results["providers"][provider] = {{"sent", f.sent},
                                          {"failed", f.failed},
                                          {"failure_reasons", f.failure_reasons},
                                          {"seconds", f.seconds},
                                          {"messages_per_second", rate}};
        if (f.failed != 0) {
            std::fprintf(stderr, "provider_bench: %s had failures\n", provider.c_str());
            return 1;
        }
    }
    if (!json_path.empty()) {
        std::ofstream(json_path) << results.dump(2) << "\n";
    }
    return 0;
}
