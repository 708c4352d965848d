#include "app/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <ctime>

namespace bulkmsg::app {

namespace {

constexpr const char* kLevelNames[] = {"trace", "debug", "info", "warn", "error", "critical"};

std::atomic<bool> g_json{true};

std::string FormatTime(std::chrono::system_clock::time_point time) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[40];
    std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
    char with_ms[48];
    std::snprintf(with_ms, sizeof(with_ms), "%s.%03dZ", buffer, static_cast<int>(ms % 1000));
    return with_ms;
}

spdlog::level::level_enum ToSpdlog(LogLevel level) {
    return static_cast<spdlog::level::level_enum>(static_cast<int>(level));
}

std::shared_ptr<spdlog::logger> Logger() {
    static auto logger = [] {
        auto l = std::make_shared<spdlog::logger>("bulkmsg", std::make_shared<spdlog::sinks::stdout_sink_mt>());
        l->set_pattern("%v");
        l->flush_on(spdlog::level::trace);
        return l;
    }();
    return logger;
}

}  // namespace

std::string FormatLogLine(std::chrono::system_clock::time_point time, LogLevel level, std::string_view component,
                          std::string_view message, const LogFields& fields, bool json) {
    const char* level_name = kLevelNames[static_cast<int>(level)];
    if (json) {
        nlohmann::ordered_json line;
        line["time"] = FormatTime(time);
        line["level"] = level_name;
        line["component"] = component;
        line["msg"] = message;
        for (const auto& [key, value] : fields) {
            line[key] = value;
        }
        return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::string text =
        FormatTime(time) + " " + level_name + " [" + std::string(component) + "] " + std::string(message);
    for (const auto& [key, value] : fields) {
        text += " " + key + "=" +
                (value.is_string() ? value.get<std::string>()
                                   : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    return text;
}

void InitLogging(const domain::LogConfig& config) {
    g_json = config.format == "json";
    Logger()->set_level(spdlog::level::from_str(config.level));
}

bool LogEnabled(LogLevel level) {
    return Logger()->should_log(ToSpdlog(level));
}

void Log(LogLevel level, std::string_view component, std::string_view message, const LogFields& fields) {
    auto logger = Logger();
    if (!logger->should_log(ToSpdlog(level))) {
        return;
    }
    logger->log(ToSpdlog(level),
                FormatLogLine(std::chrono::system_clock::now(), level, component, message, fields, g_json));
}

}  // namespace bulkmsg::app
