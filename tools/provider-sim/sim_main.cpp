// bulkmsg-provider-sim: a local stand-in for SendGrid, Twilio, FCM and APNs that speaks their wire protocols
// (HTTP/1.1 for the first three and the control endpoints, HTTP/2 over TLS for APNs). See docs/simulator.md.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "adapters/http/http_server.hpp"
#include "app/config_loader.hpp"
#include "cli/shutdown_signal.hpp"
#include "feedback_cli.hpp"
#include "h2_server.hpp"
#include "provider_simulator.hpp"
#include "webhook_sender.hpp"

namespace {

std::string ReadKey(const std::string& path) {
    auto text = bulkmsg::app::ReadTextFile(path);
    if (!text) {
        throw std::runtime_error("cannot read " + path);
    }
    return std::move(*text);
}

/// Everything the command line sets.
struct SimOptions {
    std::string host = "127.0.0.1";
    std::uint16_t http_port = 4010;
    std::uint16_t apns_port = 4011;
    std::string tls_cert, tls_key, fcm_public_key_file, apns_public_key_file, ports_file;
    bulkmsg::sim::SimCredentials credentials;
    double error_rate = 0.0, drop_rate = 0.0;
    unsigned latency_ms = 0, retry_after = 1, threads = 2, rate_limit_burst = 0;
    std::uint64_t seed = 1;
    bulkmsg::sim::FeedbackCliOptions feedback;
};

void AddOptions(CLI::App& app, SimOptions& o) {
    auto& credentials = o.credentials;
    app.add_option("--host", o.host, "Address to listen on")->capture_default_str();
    app.add_option("--http-port", o.http_port, "HTTP/1.1 port (SendGrid, Twilio, FCM, control); 0 = any")
        ->capture_default_str();
    app.add_option("--apns-port", o.apns_port, "HTTP/2 TLS port for APNs; 0 = any")->capture_default_str();
    app.add_option("--tls-cert", o.tls_cert, "PEM certificate chain for the APNs port")->required();
    app.add_option("--tls-key", o.tls_key, "PEM private key for the APNs port")->required();
    app.add_option("--sendgrid-api-key", credentials.sendgrid_api_key, "Expected SendGrid key (empty: any)");
    app.add_option("--twilio-account-sid", credentials.twilio_account_sid, "Expected Twilio account SID (empty: any)");
    app.add_option("--twilio-auth-token", credentials.twilio_auth_token, "Expected Twilio auth token");
    app.add_option("--fcm-public-key", o.fcm_public_key_file, "PEM public key verifying FCM token assertions")
        ->required();
    app.add_option("--fcm-token-lifetime", credentials.fcm_token_lifetime_seconds, "Access token lifetime (s)")
        ->capture_default_str();
    app.add_option("--apns-public-key", o.apns_public_key_file, "PEM public key verifying APNs provider tokens")
        ->required();
    app.add_option("--apns-key-id", credentials.apns_key_id, "Expected APNs key id (empty: any)");
    app.add_option("--apns-team-id", credentials.apns_team_id, "Expected APNs team id (empty: any)");
    app.add_option("--latency-ms", o.latency_ms, "Added to every answer")->capture_default_str();
    app.add_option("--error-rate", o.error_rate, "Share of requests answered with a transient 5xx")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--drop-rate", o.drop_rate, "Share of requests whose connection is dropped")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--rate-limit-burst", o.rate_limit_burst, "Answer the first N requests with 429");
    app.add_option("--retry-after", o.retry_after, "Seconds asked for in 429 answers")->capture_default_str();
    app.add_option("--seed", o.seed, "Random seed of fault injection")->capture_default_str();
    app.add_option("--threads", o.threads, "I/O threads of each port")->capture_default_str();
    app.add_flag("--require-unsubscribe", credentials.require_unsubscribe,
                 "Reject (400) SendGrid mail without List-Unsubscribe and List-Unsubscribe-Post headers");
    app.add_option("--ports-file", o.ports_file, "Write {\"http\":port,\"apns\":port} here once listening");
    bulkmsg::sim::AddFeedbackOptions(app, o.feedback);
}

/// Runs both ports until SIGTERM or SIGINT. Returns the exit code.
int Serve(SimOptions o) {
    try {
        o.credentials.fcm_public_key_pem = ReadKey(o.fcm_public_key_file);
        o.credentials.apns_public_key_pem = ReadKey(o.apns_public_key_file);
        bulkmsg::sim::Faults faults;
        faults.latency = std::chrono::milliseconds(o.latency_ms);
        faults.error_rate = o.error_rate;
        faults.drop_rate = o.drop_rate;
        faults.retry_after_seconds = o.retry_after;
        faults.rate_limit_burst = o.rate_limit_burst;
        bulkmsg::sim::SimState state(o.seed, faults);
        const auto now = [] { return std::chrono::system_clock::now(); };
        std::unique_ptr<bulkmsg::sim::FeedbackLoop> feedback;
        std::unique_ptr<bulkmsg::sim::WebhookSender> sender;
        if (auto settings = bulkmsg::sim::FeedbackSettingsFrom(o.feedback, o.credentials.twilio_auth_token)) {
            feedback = std::make_unique<bulkmsg::sim::FeedbackLoop>(std::move(*settings), now);
            sender = std::make_unique<bulkmsg::sim::WebhookSender>(*feedback, o.feedback.in_flight,
                                                                   std::chrono::seconds(10));
            sender->Start();
        }
        bulkmsg::sim::ProviderSimulator simulator(o.credentials, state, now, feedback.get());
        bulkmsg::http::HttpServer http({o.host, o.http_port, o.threads, 64ull << 20},
                                       [&](const bulkmsg::app::HttpRequest& r) { return simulator.HandleHttp(r); });
        bulkmsg::sim::H2Server apns(
            {o.host, o.apns_port, o.tls_cert, o.tls_key},
            [&](const bulkmsg::app::HttpRequest& r) { return simulator.HandleApns(r); },
            [&] { state.RecordHttp2Connection(); });
        http.Start();
        apns.Start();
        const auto ports = nlohmann::json{{"http", http.Port()}, {"apns", apns.Port()}}.dump();
        if (!o.ports_file.empty()) {
            std::ofstream(o.ports_file + ".tmp") << ports << "\n";
            std::rename((o.ports_file + ".tmp").c_str(), o.ports_file.c_str());
        }
        std::cout << ports << std::endl;
        bulkmsg::cli::WaitForShutdownSignal();
        apns.Stop();
        http.Stop();
        if (sender) {
            sender->Stop();
        }
    } catch (const std::exception& e) {
        std::cerr << "bulkmsg-provider-sim: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"bulkmsg provider simulator (SendGrid, Twilio, FCM over HTTP/1.1; APNs over HTTP/2 + TLS)"};
    SimOptions options;
    AddOptions(app, options);
    CLI11_PARSE(app, argc, argv);
    bulkmsg::cli::IgnoreBrokenPipes();
    bulkmsg::cli::BlockShutdownSignals();  // before any thread starts
    return Serve(std::move(options));
}
