#pragma once

#include <optional>
#include <string>

#include "domain/config.hpp"

namespace bulkmsg::app {

/// Collects configuration variables: the `.env` file (`env_file` when given, which must then exist;
/// otherwise `.env` in the working directory if present), overridden by the process environment.
/// Throws domain::ConfigError naming the file when it cannot be read or parsed.
domain::EnvVars LoadEnvVars(const std::optional<std::string>& env_file);

/// The whole file, or nullopt when it cannot be read.
std::optional<std::string> ReadTextFile(const std::string& path);

/// LoadEnvVars followed by ParseConfig and RequireProductionSecrets.
domain::Config LoadConfig(const std::optional<std::string>& env_file);

}  // namespace bulkmsg::app
