#pragma once

#include "app/stop_token.hpp"
#include "domain/config.hpp"

namespace bulkmsg::cli {

/// Validates the provider configuration (reads key files): throws domain::ConfigError naming the variable.
void CheckProviderConfig(const domain::Config& config);

/// Runs CONSUMER_WORKERS delivery workers until `stop`, then lets each drain within SHUTDOWN_TIMEOUT_SECONDS.
/// A worker whose broker connection fails writes what it finished and reconnects with backoff.
void RunConsumers(const domain::Config& config, app::StopToken& stop);

}  // namespace bulkmsg::cli
