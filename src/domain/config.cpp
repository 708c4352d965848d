#include "domain/config.hpp"

#include "domain/config_sections.hpp"

namespace bulkmsg::domain {

ConfigError::ConfigError(std::string variable, const std::string& problem)
    : std::runtime_error(variable + ": " + problem), variable_(std::move(variable)) {}

Config ParseConfig(const EnvVars& vars) {
    const ConfigReader r(vars);
    Config c;
    ParseConnections(r, c);
    ParsePoller(r, c);
    ParseProviders(r, c);
    ParseConsumer(r, c);
    ParseService(r, c);
    return c;
}

void RequireProductionSecrets(const Config& config) {
    if (config.node_env != "production") {
        return;
    }
    const std::pair<const char*, const std::string*> passwords[] = {{"DB_PASSWORD", &config.db.password},
                                                                    {"RABBITMQ_PASSWORD", &config.rabbitmq.password},
                                                                    {"REDIS_PASSWORD", &config.redis.password}};
    for (const auto& [name, value] : passwords) {
        if (*value == DefaultValue(name)) {
            throw ConfigError(name, "is the development default password; NODE_ENV=production needs its own");
        }
    }
}

std::vector<std::pair<std::string, std::string>> RedactedSettings(const EnvVars& vars) {
    const ConfigReader r(vars);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& spec : ConfigVariables()) {
        auto value = r.Text(spec.name);
        out.emplace_back(spec.name, spec.secret && !value.empty() ? "***" : value);
    }
    return out;
}

}  // namespace bulkmsg::domain
