#include "support/provider_sim.hpp"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "app/config_loader.hpp"
#include "domain/env_file.hpp"
#include "support/raw_http.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg::testing {

const std::string& ProviderSimProcess::CredentialsDir() {
    static const std::string dir = [] {
        auto path = std::filesystem::temp_directory_path() / ("bulkmsg-sim-creds-" + std::to_string(getpid()));
        auto result = RunProcess({std::string(BULKMSG_SOURCE_DIR) + "/scripts/sim-credentials", path.string()}, {},
                                 BULKMSG_SOURCE_DIR);
        if (result.exit_code != 0) {
            throw std::runtime_error("scripts/sim-credentials failed: " + result.output);
        }
        return path.string();
    }();
    return dir;
}

namespace {

/// The simulator flags of `feedback`, none when it is off.
std::vector<std::string> FeedbackArgs(const SimFeedbackOptions& feedback, const std::string& dir) {
    if (feedback.webhook_url.empty()) {
        return {};
    }
    std::vector<std::string> args = {
        "--webhook-url=" + feedback.webhook_url, "--sendgrid-webhook-key=" + dir + "/sendgrid-webhook.key",
        "--feedback-seed=" + std::to_string(feedback.seed), "--feedback-flush-ms=" + std::to_string(feedback.flush_ms)};
    for (const auto& [flag, rate] : feedback.rates) {
        args.push_back("--" + flag + "=" + std::to_string(rate));
    }
    return args;
}

}  // namespace

ProviderSimProcess::ProviderSimProcess(const std::vector<std::string>& extra_args)
    : ProviderSimProcess(ProviderSimOptions{extra_args, {}}) {}

ProviderSimProcess::ProviderSimProcess(const ProviderSimOptions& options) : feedback_(options.feedback) {
    const auto& dir = CredentialsDir();
    static std::atomic<int> counter{0};
    const auto ports_file = EmptyWorkDir() + "/sim-ports-" + std::to_string(counter++) + ".json";
    std::filesystem::remove(ports_file);
    std::vector<std::string> args = {BULKMSG_SIM_BINARY,
                                     "--http-port=0",
                                     "--apns-port=0",
                                     "--tls-cert=" + dir + "/server.pem",
                                     "--tls-key=" + dir + "/server.key",
                                     "--fcm-public-key=" + dir + "/fcm.pub.pem",
                                     "--apns-public-key=" + dir + "/apns.pub.pem",
                                     "--sendgrid-api-key=SG.simulator",
                                     "--twilio-account-sid=ACsimulator",
                                     "--twilio-auth-token=simulator-token",
                                     "--apns-key-id=SIMKEY0001",
                                     "--apns-team-id=SIMTEAM001",
                                     "--ports-file=" + ports_file};
    const auto feedback_args = FeedbackArgs(options.feedback, dir);
    args.insert(args.end(), feedback_args.begin(), feedback_args.end());
    args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
    process_ = std::make_unique<ChildProcess>(args, std::map<std::string, std::string>{}, dir);
    if (!WaitUntil([&] { return std::filesystem::exists(ports_file); }, std::chrono::seconds(10),
                   std::chrono::milliseconds(20))) {
        throw std::runtime_error("provider simulator did not start: " + process_->OutputSoFar());
    }
    const auto ports = nlohmann::json::parse(app::ReadTextFile(ports_file).value_or("{}"));
    http_port_ = ports["http"].get<unsigned short>();
    apns_port_ = ports["apns"].get<unsigned short>();
}

ProviderSimProcess::~ProviderSimProcess() {
    process_->Signal(SIGTERM);
    process_->Wait();
}

domain::EnvVars ProviderSimProcess::ClientEnv() const {
    auto env = domain::ParseEnvFile(app::ReadTextFile(CredentialsDir() + "/sim.env").value_or(""));
    env["PROVIDER_SIMULATOR_URL"] = "http://127.0.0.1:" + std::to_string(http_port_);
    env["PROVIDER_SIMULATOR_APNS_URL"] = "https://127.0.0.1:" + std::to_string(apns_port_);
    if (!feedback_.webhook_url.empty()) {
        env.merge(FeedbackEnv());
    }
    return env;
}

domain::EnvVars ProviderSimProcess::FeedbackEnv() const {
    auto env = domain::ParseEnvFile(app::ReadTextFile(CredentialsDir() + "/feedback.env").value_or(""));
    env["PUBLIC_BASE_URL"] = feedback_.webhook_url;
    return env;
}

nlohmann::json ProviderSimProcess::SettledFeedback(std::chrono::milliseconds timeout) const {
    nlohmann::json report;
    if (WaitUntil(
            [&] {
                report = Stats()["feedback"];
                return report.value("pending", std::uint64_t{1}) == 0;
            },
            timeout, std::chrono::milliseconds(50))) {
        return report;
    }
    throw std::runtime_error("simulator webhooks still pending: " + report.dump());
}

nlohmann::json ProviderSimProcess::Stats(bool with_keys) const {
    const auto response = HttpGet(http_port_, with_keys ? "/_sim/stats?keys=1" : "/_sim/stats");
    return nlohmann::json::parse(response.body);
}

nlohmann::json ProviderSimProcess::MailHeaders() const {
    return nlohmann::json::parse(HttpGet(http_port_, "/_sim/mail-headers").body);
}

namespace {

void Post(unsigned short port, const std::string& path, const std::string& body) {
    const auto response = SendRawHttp(port, "POST " + path +
                                                " HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\n"
                                                "Content-Length: " +
                                                std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    if (response.status != 200) {
        throw std::runtime_error("simulator " + path + " answered " + std::to_string(response.status) + ": " +
                                 response.body);
    }
}

}  // namespace

void ProviderSimProcess::SetFaults(const nlohmann::json& faults) const {
    Post(http_port_, "/_sim/faults", faults.dump());
}

void ProviderSimProcess::Reset() const {
    Post(http_port_, "/_sim/reset", "{}");
}

}  // namespace bulkmsg::testing
