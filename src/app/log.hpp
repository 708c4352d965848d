#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/config.hpp"

namespace bulkmsg::app {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kCritical };

/// Context fields of a log line, e.g. {{"campaign_id", 7}, {"outbox_id", 42}, {"trace_id", "..."}}.
using LogFields = std::vector<std::pair<std::string, nlohmann::json>>;

/// Formats one log line (without the newline). JSON lines carry time (UTC, RFC 3339 with milliseconds),
/// level, component, msg, then the fields; text lines read `time LEVEL [component] msg key=value ...`.
std::string FormatLogLine(std::chrono::system_clock::time_point time, LogLevel level, std::string_view component,
                          std::string_view message, const LogFields& fields, bool json);

/// Configures the process-wide logger (stdout, level and format from the configuration).
void InitLogging(const domain::LogConfig& config);

/// True when lines of `level` are written (to skip building fields of per-message lines).
bool LogEnabled(LogLevel level);

/// Writes one line if `level` is enabled. Thread-safe. Callers never pass secrets as fields.
void Log(LogLevel level, std::string_view component, std::string_view message, const LogFields& fields = {});

/// For a warning that can repeat many times a second while a dependency is down: the first occurrence is logged,
/// then at most one per `interval`, each carrying how many were left out since the last (`repeated`). One per
/// message and thread (not thread-safe); time comes from the caller, so it is tested without sleeping.
class LogThrottle {
public:
    explicit LogThrottle(std::chrono::milliseconds interval) : interval_(interval) {}

    /// True when this occurrence is to be logged; then `repeated` is the number left out since the last one.
    bool Allow(std::chrono::system_clock::time_point now, std::uint64_t& repeated) {
        if (last_ && now - *last_ < interval_) {
            ++left_out_;
            return false;
        }
        repeated = left_out_;
        left_out_ = 0;
        last_ = now;
        return true;
    }

private:
    std::chrono::milliseconds interval_;
    std::optional<std::chrono::system_clock::time_point> last_;
    std::uint64_t left_out_ = 0;
};

}  // namespace bulkmsg::app
