#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
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

}  // namespace bulkmsg::app
