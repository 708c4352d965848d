#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/outbox_row.hpp"

namespace bulkmsg::mysql {

/// The conversions between bulkmsg values and their MySQL text forms, in one place: SqlStatement writes values
/// with them and SqlRow reads them back with them.

/// "YYYY-MM-DD HH:MM:SS.ffffff" in UTC (the session time zone of every MysqlConnection), for DATETIME(6) values.
std::string SqlTime(domain::TimePoint time);

/// A DATETIME value as the server sends it, "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; nullopt when it is not one
/// (e.g. the zero date '0000-00-00 00:00:00').
std::optional<domain::TimePoint> ParseSqlTime(std::string_view text);

/// An unsigned integer written in decimal digits only (an id, a count); nullopt for anything else or on overflow.
std::optional<std::uint64_t> ParseSqlUInt(std::string_view text);

/// "'pending','queued',…" for `status IN (…)`: every outbox status that is not final (domain::IsFinal).
const std::string& OpenStatusList();

/// `value` as the text of a JSON column: compact, invalid UTF-8 replaced (a JSON column rejects it).
std::string JsonText(const nlohmann::json& value);

}  // namespace bulkmsg::mysql
