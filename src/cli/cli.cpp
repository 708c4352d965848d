#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <optional>

#include "app/config_loader.hpp"
#include "app/log.hpp"
#include "app/version.hpp"
#include "cli/commands.hpp"
#include "cli/user_command.hpp"

namespace bulkmsg::cli {

namespace {

struct Options {
    std::string env_file;
    unsigned seed_campaigns = 3;
    std::uint64_t seed_targets = 1000;
    std::string apikey_name;
    std::uint64_t apikey_id = 0;
};

std::optional<std::string> EnvFileOf(const Options& options) {
    return options.env_file.empty() ? std::nullopt : std::optional<std::string>(options.env_file);
}

// Loads the configuration and runs `command`; configuration errors become exit code 2 with one line on
// stderr naming the variable, and other failures exit code 1 with the reason.
int WithConfig(const Options& options, const std::function<int(const domain::Config&)>& command) {
    domain::Config config;
    try {
        config = app::LoadConfig(EnvFileOf(options));
    } catch (const domain::ConfigError& e) {
        std::cerr << "bulkmsg: configuration error: " << e.what() << "\n";
        return kExitConfigError;
    }
    app::InitLogging(config.log);
    try {
        return command(config);
    } catch (const std::exception& e) {
        app::Log(app::LogLevel::kCritical, "bulkmsg", "command failed", {{"error", e.what()}});
        return kExitFailure;
    }
}

void AddRole(CLI::App& app, const std::string& name, const std::string& description, const Options& options,
             int& exit_code) {
    app.add_subcommand(name, description)->callback([&options, &exit_code, name] {
        exit_code = WithConfig(options, [&name](const domain::Config& c) { return RunRole(name, c); });
    });
}

void AddApiKeyCommands(CLI::App& app, Options& options, int& exit_code) {
    auto* apikey = app.add_subcommand("apikey", "Manage API keys for /api/v1");
    apikey->require_subcommand(1);
    auto* create = apikey->add_subcommand("create", "Create a key and print it (shown only once)");
    create->add_option("--name", options.apikey_name, "Who or what uses the key")
        ->required()
        ->check([](const std::string& name) {
            return name.empty() || name.size() > 100 ? "must be 1 to 100 characters" : "";
        });
    create->callback([&] {
        exit_code =
            WithConfig(options, [&](const domain::Config& c) { return RunApiKeyCreate(c, options.apikey_name); });
    });
    apikey->add_subcommand("list", "List keys (never the keys themselves)")->callback([&] {
        exit_code = WithConfig(options, RunApiKeyList);
    });
    auto* revoke = apikey->add_subcommand("revoke", "Revoke a key by id");
    revoke->add_option("id", options.apikey_id, "Key id from `apikey list`")->required()->check(CLI::PositiveNumber);
    revoke->callback([&] {
        exit_code = WithConfig(options, [&](const domain::Config& c) { return RunApiKeyRevoke(c, options.apikey_id); });
    });
}

}  // namespace

int RunCli(int argc, char** argv) {
    CLI::App app{"bulkmsg: bulk email, SMS and push campaigns through a MySQL outbox and RabbitMQ"};
    app.require_subcommand(1);
    Options options;
    int exit_code = kExitOk;
    app.add_option("--env-file", options.env_file, "Read configuration from this file instead of ./.env")
        ->check(CLI::ExistingFile);

    AddRole(app, "api", "Serve the HTTP API on EXPRESS_APP_PORT", options, exit_code);
    AddRole(app, "poller", "Run the outbox poller (health endpoints on METRICS_PORT)", options, exit_code);
    AddRole(app, "consumer", "Run the consumer workers (health endpoints on METRICS_PORT)", options, exit_code);
    AddRole(app, "all", "Run API, poller and consumers in one process (on EXPRESS_APP_PORT)", options, exit_code);

    app.add_subcommand("migrate", "Apply pending database migrations (safe to run concurrently)")->callback([&] {
        exit_code = WithConfig(options, RunMigrate);
    });
    app.add_subcommand("check", "Connect to MySQL, RabbitMQ and Redis and report each, and which webhooks are on")
        ->callback([&] { exit_code = WithConfig(options, RunCheck); });
    auto* seed = app.add_subcommand("seed", "Insert demo campaigns with targets");
    seed->add_option("--campaigns", options.seed_campaigns, "Number of campaigns (kinds rotate email, sms, push)")
        ->check(CLI::Range(1u, 1000u));
    seed->add_option("--targets", options.seed_targets, "Targets per campaign")
        ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{10'000'000}));
    seed->callback([&] {
        exit_code = WithConfig(
            options, [&](const domain::Config& c) { return RunSeed(c, options.seed_campaigns, options.seed_targets); });
    });
    AddApiKeyCommands(app, options, exit_code);
    AddUserCommands(app, [&](const std::function<int(const domain::Config&)>& command) {
        exit_code = WithConfig(options, command);
    });
    app.add_subcommand("config", "Print the effective configuration, secrets redacted")->callback([&] {
        exit_code = WithConfig(
            options, [&](const domain::Config&) { return RunPrintConfig(app::LoadEnvVars(EnvFileOf(options))); });
    });
    app.add_subcommand("version", "Print the version")->callback([] {
        std::cout << "bulkmsg " << app::kVersion << " (" << app::kRevision << ")\n";
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return exit_code;
}

}  // namespace bulkmsg::cli
