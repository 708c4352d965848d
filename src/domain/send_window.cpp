#include "domain/send_window.hpp"

#include <date/tz.h>

#include <cstdio>

namespace bulkmsg::domain {

namespace {

std::optional<std::chrono::minutes> ParseClock(const nlohmann::json& value) {
    if (!value.is_string()) {
        return std::nullopt;
    }
    const auto text = value.get<std::string>();
    // sscanf with fixed widths rather than date::parse, whose %H and %M take one-digit fields.
    int hours = 0, minutes = 0, consumed = 0;
    if (text.size() != 5 || std::sscanf(text.c_str(), "%2d:%2d%n", &hours, &minutes, &consumed) != 2 || consumed != 5 ||
        hours < 0 || hours > 23 || minutes < 0 || minutes > 59) {
        return std::nullopt;
    }
    return std::chrono::hours(hours) + std::chrono::minutes(minutes);
}

std::string FormatClock(std::chrono::minutes m) {
    char text[8];
    std::snprintf(text, sizeof(text), "%02d:%02d", static_cast<int>(m.count() / 60), static_cast<int>(m.count() % 60));
    return text;
}

const date::time_zone* ZoneOrUtc(const std::string& name) {
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return date::locate_zone("UTC");
    }
}

}  // namespace

std::optional<SendWindow> ParseSendWindow(const nlohmann::json& value, std::vector<FieldError>& errors) {
    if (!value.is_object()) {
        errors.push_back({"send_window", R"(must be {"local_time": "HH:MM"} or {"start": "HH:MM", "end": "HH:MM"})"});
        return std::nullopt;
    }
    const auto before = errors.size();
    for (const auto& [key, item] : value.items()) {
        if (key != "local_time" && key != "start" && key != "end") {
            errors.push_back({"send_window." + key, "unknown field"});
        }
    }
    SendWindow window;
    if (value.contains("local_time")) {
        const auto at = ParseClock(value["local_time"]);
        if (!at || value.contains("start") || value.contains("end")) {
            errors.push_back({"send_window.local_time", "must be HH:MM (24 h), without start or end"});
        } else {
            window.start = *at;
        }
    } else {
        const auto start = value.contains("start") ? ParseClock(value["start"]) : std::nullopt;
        const auto end = value.contains("end") ? ParseClock(value["end"]) : std::nullopt;
        if (!start) {
            errors.push_back({"send_window.start", "must be HH:MM (24 h)"});
        }
        if (!end || (start && *end == *start)) {
            errors.push_back({"send_window.end", "must be HH:MM (24 h) and differ from start"});
        }
        if (start && end) {
            window = {*start, *end};
        }
    }
    if (errors.size() > before) {
        return std::nullopt;
    }
    return window;
}

nlohmann::json SendWindowJson(const SendWindow& window) {
    if (!window.end) {
        return {{"local_time", FormatClock(window.start)}};
    }
    return {{"start", FormatClock(window.start)}, {"end", FormatClock(*window.end)}};
}

TimePoint EarliestSendTime(TimePoint now, const SendWindow& window, const std::string& timezone) {
    const auto* zone = ZoneOrUtc(timezone);
    const auto local_now = zone->to_local(std::chrono::time_point_cast<std::chrono::microseconds>(now));
    const auto local_day = date::floor<date::days>(local_now);
    const auto time_of_day = local_now - local_day;
    if (window.end) {
        const bool overnight = *window.end < window.start;
        const bool inside = overnight ? (time_of_day >= window.start || time_of_day < *window.end)
                                      : (time_of_day >= window.start && time_of_day < *window.end);
        if (inside) {
            return now;
        }
    }
    auto start = local_day + window.start;
    if (start < local_now) {
        start += date::days(1);
    }
    return std::chrono::time_point_cast<TimePoint::duration>(zone->to_sys(start, date::choose::earliest));
}

}  // namespace bulkmsg::domain
