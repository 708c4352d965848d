#include "adapters/mysql/sql_values.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>

#include "domain/campaign_request.hpp"
#include "domain/outbox_status.hpp"

namespace bulkmsg::mysql {

std::string SqlTime(domain::TimePoint time) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
    std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d %02d:%02d:%02d.%06lld", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros % 1000000));
    return buffer;
}

std::optional<domain::TimePoint> ParseSqlTime(std::string_view text) {
    constexpr std::size_t kDateLength = 10;  // "YYYY-MM-DD", then ' ' where RFC 3339 has 'T'
    if (text.size() <= kDateLength || text[kDateLength] != ' ') {
        return std::nullopt;
    }
    std::string rfc(text);
    rfc[kDateLength] = 'T';
    return domain::ParseRfc3339(rfc + "Z");
}

std::optional<std::uint64_t> ParseSqlUInt(std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stop != end) {
        return std::nullopt;
    }
    return value;
}

const std::string& OpenStatusList() {
    static const std::string list = [] {
        std::string out;
        for (const auto status : domain::kAllOutboxStatuses) {
            if (!domain::IsFinal(status)) {
                out += (out.empty() ? "'" : ",'") + std::string(domain::ToString(status)) + "'";
            }
        }
        return out;
    }();
    return list;
}

std::string JsonText(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace bulkmsg::mysql
