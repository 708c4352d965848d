#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/config.hpp"
#include "support/process.hpp"

namespace bulkmsg::testing {

/// A running bulkmsg-provider-sim on free loopback ports, with credentials from scripts/sim-credentials
/// (generated once per test process). Stopped with SIGTERM at destruction.
class ProviderSimProcess {
public:
    explicit ProviderSimProcess(const std::vector<std::string>& extra_args = {});
    ~ProviderSimProcess();
    ProviderSimProcess(const ProviderSimProcess&) = delete;
    ProviderSimProcess& operator=(const ProviderSimProcess&) = delete;

    unsigned short HttpPort() const { return http_port_; }
    unsigned short ApnsPort() const { return apns_port_; }
    static const std::string& CredentialsDir();

    /// The bulkmsg variables that send every channel to this simulator (sim.env with the real ports).
    domain::EnvVars ClientEnv() const;

    nlohmann::json Stats(bool with_keys = false) const;
    void SetFaults(const nlohmann::json& faults) const;
    void Reset() const;

private:
    std::unique_ptr<ChildProcess> process_;
    unsigned short http_port_ = 0;
    unsigned short apns_port_ = 0;
};

}  // namespace bulkmsg::testing
