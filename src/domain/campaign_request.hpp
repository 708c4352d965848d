#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/message_renderer.hpp"
#include "domain/outbox_row.hpp"
#include "domain/target.hpp"

namespace bulkmsg::domain {

/// A validated `POST /campaigns` body.
struct NewCampaign {
    std::string name;
    CampaignContent content;  // kind, templates and sender; id unset
    std::optional<TimePoint> scheduled_at;
};

/// Validates a `POST /campaigns` body: {name, kind, template: {subject?, text, html?, title?, data?},
/// scheduled_at?, send_window?, from?, transactional?, quiet_hours?}. Every problem is appended to `errors` (field path, reason),
/// templates that do not parse included (with the parser's message); the campaign is returned only when there is none.
std::optional<NewCampaign> ParseNewCampaign(const nlohmann::json& body, std::vector<FieldError>& errors);

/// An RFC 3339 UTC or offset timestamp ("2026-12-01T09:00:00Z", "2026-12-01T18:00:00+09:00", optional
/// fractional seconds); nullopt when it is not one.
std::optional<TimePoint> ParseRfc3339(const std::string& text);

/// "2026-12-01T09:00:00.000000Z".
std::string FormatRfc3339(TimePoint time);

}  // namespace bulkmsg::domain
