#include "support/test_environment.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "adapters/mysql/mysql_connection.hpp"
#include "app/config_loader.hpp"

namespace bulkmsg::testing {

domain::EnvVars StackEnvVars() {
    const std::string repo_env = std::string(BULKMSG_SOURCE_DIR) + "/.env";
    return app::LoadEnvVars(std::filesystem::exists(repo_env) ? std::optional<std::string>(repo_env) : std::nullopt);
}

domain::Config StackConfig() {
    return domain::ParseConfig(StackEnvVars());
}

TempDatabase::TempDatabase() : config_(StackConfig().db) {
    static std::atomic<int> counter{0};
    config_.name = "bulkmsg_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    auto server = config_;
    server.name = "";
    mysql::MysqlConnection connection(server);
    connection.Execute("DROP DATABASE IF EXISTS `" + config_.name + "`");
    connection.Execute("CREATE DATABASE `" + config_.name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
}

TempDatabase::~TempDatabase() {
    try {
        auto server = config_;
        server.name = "";
        mysql::MysqlConnection connection(server);
        connection.Execute("DROP DATABASE IF EXISTS `" + config_.name + "`");
    } catch (const std::exception&) {
        // The server may have been stopped by the test; `scripts/stack reset` clears leftovers.
    }
}

std::string EmptyWorkDir() {
    auto dir = std::filesystem::temp_directory_path() / ("bulkmsg-test-cwd-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    return dir.string();
}

std::map<std::string, std::string> BulkmsgEnv(const std::map<std::string, std::string>& overrides) {
    std::map<std::string, std::string> env;
    auto vars = StackEnvVars();
    for (const auto& spec : domain::ConfigVariables()) {
        if (auto it = vars.find(spec.name); it != vars.end()) {
            env[spec.name] = it->second;
        }
    }
    env["LOG_FORMAT"] = "json";
    // Unsubscribe links are published, so the API accepts marketing email campaigns (docs/compliance.md).
    env["PUBLIC_BASE_URL"] = "http://127.0.0.1:9";
    env["UNSUBSCRIBE_SECRET"] = "integration-test-unsubscribe-secret";
    for (const auto& [k, v] : overrides) {
        env[k] = v;
    }
    return env;
}

ProcessResult RunBulkmsg(const std::vector<std::string>& args, const std::map<std::string, std::string>& overrides) {
    std::vector<std::string> argv{BULKMSG_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, BulkmsgEnv(overrides), EmptyWorkDir());
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(interval);
    }
    return true;
}

ProcessResult RunStackScript(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    std::vector<std::string> argv{"/bin/bash", std::string(BULKMSG_SOURCE_DIR) + "/scripts/stack"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, env, BULKMSG_SOURCE_DIR);
}

ProcessResult RabbitmqCtl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"rabbitmqctl"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult result;
    for (int attempt = 0; attempt < 3; ++attempt) {
        result = RunStackScript(argv);
        if (result.exit_code == 0) {
            break;
        }
    }
    return result;
}

unsigned short FreePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace bulkmsg::testing
