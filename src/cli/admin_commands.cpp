#include <iostream>

#include "adapters/mysql/mysql_connection.hpp"
#include "adapters/mysql/mysql_migration_store.hpp"
#include "app/embedded_migrations.hpp"
#include "app/log.hpp"
#include "app/run_migrations.hpp"
#include "cli/api_wiring.hpp"
#include "cli/commands.hpp"
#include "cli/dependencies.hpp"

namespace bulkmsg::cli {

int RunMigrate(const domain::Config& config) {
    mysql::MysqlConnection connection(config.db);
    mysql::MysqlMigrationStore store(connection, config.db.name);
    auto report = app::RunMigrations(store, domain::ParseMigrations(app::EmbeddedMigrations()));
    for (const auto& name : report.applied) {
        app::Log(app::LogLevel::kInfo, "migrate", "applied migration", {{"migration", name}});
    }
    app::Log(app::LogLevel::kInfo, "migrate", report.applied.empty() ? "schema already current" : "schema migrated",
             {{"database", config.db.name}, {"version", report.current_version}, {"applied", report.applied.size()}});
    return kExitOk;
}

int RunCheck(const domain::Config& config) {
    auto report = app::CheckReadiness(DependencyProbes(config));
    for (const auto& result : report.results) {
        std::cout << result.name << ": " << (result.ok ? "ok" : "FAILED: " + result.error) << "\n";
    }
    for (const auto& [name, on] : WebhookSettingsOf(config).Enabled()) {
        std::cout << "webhook " << name << ": " << (on ? "on" : "off") << "\n";
    }
    return report.ready ? kExitOk : kExitFailure;
}

int RunPrintConfig(const domain::EnvVars& vars) {
    domain::ParseConfig(vars);
    for (const auto& [name, value] : domain::RedactedSettings(vars)) {
        std::cout << name << "=" << value << "\n";
    }
    return kExitOk;
}

}  // namespace bulkmsg::cli
