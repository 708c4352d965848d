#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "domain/config.hpp"

namespace bulkmsg::cli {

/// Runs a command with the loaded configuration and records its exit code (cli.cpp's WithConfig).
using ConfigRunner = std::function<void(const std::function<int(const domain::Config&)>&)>;

/// `bulkmsg user create|list|disable|passwd`: dashboard users (docs/users.md). Passwords are read from stdin
/// (--password-stdin) or generated and printed once; only their Argon2id hash is stored, and they are never logged.
void AddUserCommands(CLI::App& app, const ConfigRunner& run);

}  // namespace bulkmsg::cli
