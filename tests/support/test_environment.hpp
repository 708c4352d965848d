#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "domain/config.hpp"
#include "support/process.hpp"

namespace bulkmsg::testing {

/// The configuration of the local stack as the tests see it: the repository's `.env` when present,
/// overridden by the environment, defaults otherwise (the same rules as the binary).
domain::EnvVars StackEnvVars();
domain::Config StackConfig();

/// A uniquely named, empty database (bulkmsg_t_<pid>_<n>) created with the configured DB user and
/// dropped again at destruction.
class TempDatabase {
public:
    TempDatabase();
    ~TempDatabase();
    TempDatabase(const TempDatabase&) = delete;
    TempDatabase& operator=(const TempDatabase&) = delete;

    const domain::DatabaseConfig& Config() const { return config_; }

private:
    domain::DatabaseConfig config_;
};

/// Runs the built `bulkmsg` binary in an empty temporary directory (so no stray .env is read), with every
/// stack variable passed explicitly and `overrides` on top.
ProcessResult RunBulkmsg(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& overrides = {});

/// Arguments and environment for starting `bulkmsg` as a ChildProcess the same way.
std::map<std::string, std::string> BulkmsgEnv(const std::map<std::string, std::string>& overrides);
std::string EmptyWorkDir();

/// Polls `condition` every `interval` until it holds (true) or `timeout` passes (false).
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval = std::chrono::milliseconds(100));

/// Runs `scripts/stack` with `args` (e.g. {"stop", "rabbit"}) and `env` on top of the test's environment, and
/// returns its result.
ProcessResult RunStackScript(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});

/// `scripts/stack rabbitmqctl ARGS`, tried up to three times: the CLI occasionally fails to reach the node
/// through Erlang distribution on a loaded machine.
ProcessResult RabbitmqCtl(const std::vector<std::string>& args);

/// A TCP port on 127.0.0.1 that was free a moment ago.
unsigned short FreePort();

}  // namespace bulkmsg::testing
