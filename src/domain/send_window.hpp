#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/outbox_row.hpp"
#include "domain/target.hpp"

namespace bulkmsg::domain {

/// When a campaign's messages may go out, in each recipient's own time zone. Either a local time of day that
/// every message waits for ({"local_time": "09:00"}), or an allowed range ({"start": "09:00", "end": "17:00"};
/// the end is exclusive and may be before the start for a range over midnight).
struct SendWindow {
    std::chrono::minutes start{0};            // after local midnight
    std::optional<std::chrono::minutes> end;  // set for a range
    bool operator==(const SendWindow&) const = default;
};

/// Parses the `send_window` of a campaign request, appending problems to `errors` (fields "send_window…").
std::optional<SendWindow> ParseSendWindow(const nlohmann::json& value, std::vector<FieldError>& errors);

nlohmann::json SendWindowJson(const SendWindow& window);

/// The earliest time at or after `now` that is inside the window in `timezone` (an IANA name; UTC when unknown).
/// DST-correct: a local time that does not exist on a spring-forward day maps to the moment the clocks jump, a
/// local time that occurs twice on a fall-back day to its first occurrence.
TimePoint EarliestSendTime(TimePoint now, const SendWindow& window, const std::string& timezone);

}  // namespace bulkmsg::domain
