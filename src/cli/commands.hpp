#pragma once

#include <cstdint>
#include <string>

#include "domain/config.hpp"

namespace bulkmsg::cli {

/// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitConfigError = 2;

/// Runs a long-lived role (api, poller, consumer, all): serves /health, /live and /ready until SIGINT or
/// SIGTERM, then stops cleanly.
int RunRole(const std::string& role, const domain::Config& config);

/// Applies pending migrations and reports what it did.
int RunMigrate(const domain::Config& config);

/// Connects to MySQL, RabbitMQ and Redis with the configured credentials and reports each result.
int RunCheck(const domain::Config& config);

/// Inserts demo campaigns with targets (schema must be migrated).
int RunSeed(const domain::Config& config, unsigned campaigns, std::uint64_t targets_per_campaign);

/// API keys: create prints a new key once (its last line is the key alone); only its SHA-256 is stored.
int RunApiKeyCreate(const domain::Config& config, const std::string& name);
int RunApiKeyList(const domain::Config& config);
int RunApiKeyRevoke(const domain::Config& config, std::uint64_t id);

/// Prints every configuration variable's effective value, secrets redacted.
int RunPrintConfig(const domain::EnvVars& vars);

}  // namespace bulkmsg::cli
