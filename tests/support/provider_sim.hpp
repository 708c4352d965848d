#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/config.hpp"
#include "support/process.hpp"

namespace bulkmsg::testing {

/// The webhooks the simulator sends back (docs/simulator.md "Feedback"); off while webhook_url is empty.
struct SimFeedbackOptions {
    std::string webhook_url;              // bulkmsg's PUBLIC_BASE_URL, e.g. http://127.0.0.1:<api port>
    std::map<std::string, double> rates;  // flag without "--" → share: {"feedback-bounce", 0.02}, {"sms-stop", 0.1}
    std::uint64_t seed = 1;
    unsigned flush_ms = 200;  // --feedback-flush-ms
};

struct ProviderSimOptions {
    std::vector<std::string> extra_args;
    SimFeedbackOptions feedback;
};

/// A running bulkmsg-provider-sim on free loopback ports, with credentials from scripts/sim-credentials
/// (generated once per test process). Stopped with SIGTERM at destruction.
class ProviderSimProcess {
public:
    explicit ProviderSimProcess(const std::vector<std::string>& extra_args = {});
    explicit ProviderSimProcess(const ProviderSimOptions& options);
    ~ProviderSimProcess();
    ProviderSimProcess(const ProviderSimProcess&) = delete;
    ProviderSimProcess& operator=(const ProviderSimProcess&) = delete;

    unsigned short HttpPort() const { return http_port_; }
    unsigned short ApnsPort() const { return apns_port_; }
    static const std::string& CredentialsDir();

    /// The bulkmsg variables that send every channel to this simulator (sim.env with the real ports), plus
    /// FeedbackEnv() when feedback is on.
    domain::EnvVars ClientEnv() const;
    /// The variables that verify its webhooks: SENDGRID_WEBHOOK_PUBLIC_KEY, SMS_AUTH_TOKEN (feedback.env) and
    /// PUBLIC_BASE_URL = the feedback webhook_url.
    domain::EnvVars FeedbackEnv() const;

    nlohmann::json Stats(bool with_keys = false) const;
    /// GET /_sim/mail-headers: the unsubscribe headers of the mail it received (docs/simulator.md).
    nlohmann::json MailHeaders() const;
    void SetFaults(const nlohmann::json& faults) const;
    void Reset() const;
    /// The "feedback" report of /_sim/stats once no webhook is pending; throws std::runtime_error with the last
    /// report when some still are after `timeout`.
    nlohmann::json SettledFeedback(std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;

private:
    SimFeedbackOptions feedback_;
    std::unique_ptr<ChildProcess> process_;
    unsigned short http_port_ = 0;
    unsigned short apns_port_ = 0;
};

}  // namespace bulkmsg::testing
