#include "app/config_loader.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain/env_file.hpp"

extern char** environ;

namespace bulkmsg::app {

std::optional<std::string> ReadTextFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

namespace {

domain::EnvVars ReadEnvFile(const std::string& path) {
    const auto text = ReadTextFile(path);
    if (!text) {
        throw domain::ConfigError(path, "cannot read the env file");
    }
    try {
        return domain::ParseEnvFile(*text);
    } catch (const domain::EnvFileError& e) {
        throw domain::ConfigError(path, e.what());
    }
}

}  // namespace

domain::EnvVars LoadEnvVars(const std::optional<std::string>& env_file) {
    domain::EnvVars vars;
    if (env_file) {
        vars = ReadEnvFile(*env_file);
    } else if (std::filesystem::exists(".env")) {
        vars = ReadEnvFile(".env");
    }
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view kv(*entry);
        auto eq = kv.find('=');
        if (eq != std::string_view::npos) {
            vars[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
        }
    }
    return vars;
}

domain::Config LoadConfig(const std::optional<std::string>& env_file) {
    auto config = domain::ParseConfig(LoadEnvVars(env_file));
    domain::RequireProductionSecrets(config);
    return config;
}

}  // namespace bulkmsg::app
