#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "domain/message_renderer.hpp"
#include "domain/target.hpp"

namespace bulkmsg::domain {

/// A validated `POST /templates/preview` body: a campaign's content as `POST /campaigns` takes it (kind, template,
/// from, transactional, quiet_hours, send_window; `name` optional) and the recipient to render it for.
struct PreviewRequest {
    CampaignContent content;
    Target sample;
};

/// Validates the body {kind, template, from?, transactional?, …, sample: {user_ref, kind?, timezone?, metadata?}}
/// with the campaign and target rules (ParseNewCampaign, TargetFromJson; sample fields as "sample.<field>"),
/// templates that do not parse with their position. Every problem is appended to `errors`; the request is returned
/// only when there is none.
std::optional<PreviewRequest> ParsePreviewRequest(const nlohmann::json& body, std::vector<FieldError>& errors);

}  // namespace bulkmsg::domain
