#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/channel.hpp"
#include "domain/send_window.hpp"

namespace bulkmsg::domain {

/// SMS quiet hours (47 CFR 64.1200(c)(1)): the local hours in which an SMS campaign may text each recipient, a
/// SendWindow range in the recipient's time zone. The default is the TCPA's 08:00 to 21:00.
SendWindow DefaultQuietHours();

/// The `quiet_hours` of a campaign request: for SMS the default when absent, a {"start","end"} range when given,
/// none only for an explicit null together with "transactional": true. Other channels take none and may not
/// give one. Problems are appended to `errors` (fields "quiet_hours…").
std::optional<SendWindow> ParseQuietHours(const nlohmann::json& body, Channel kind, bool transactional,
                                          std::vector<FieldError>& errors);

/// The earliest time at or after `at` inside `allowed` in `timezone` (DST as EarliestSendTime); `at` when none.
TimePoint OutsideQuietHours(TimePoint at, const std::optional<SendWindow>& allowed, const std::string& timezone);

/// The quiet hours a prepared SMS payload carries: {"start","end","timezone"} (see MessageRenderer), so the
/// consumer can hold back a text that became due in quiet hours (a late publish, a retry) without the campaign.
nlohmann::json QuietHoursPayload(const SendWindow& allowed, const std::string& timezone);

/// OutsideQuietHours for the quiet hours of an outbox payload; `at` when it carries none.
TimePoint OutsideQuietHours(TimePoint at, const nlohmann::json& payload);

}  // namespace bulkmsg::domain
