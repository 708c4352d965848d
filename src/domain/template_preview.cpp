#include "domain/template_preview.hpp"

#include "domain/campaign_request.hpp"

namespace bulkmsg::domain {

std::optional<PreviewRequest> ParsePreviewRequest(const nlohmann::json& body, std::vector<FieldError>& errors) {
    if (!body.is_object()) {
        errors.push_back({"body", "must be a JSON object"});
        return std::nullopt;
    }
    const auto errors_before = errors.size();
    // The campaign rules apply as they are; a preview needs no name, so one is lent when the body has none.
    auto campaign_body = body;
    campaign_body.erase("sample");
    if (!campaign_body.contains("name")) {
        campaign_body["name"] = "preview";
    }
    auto campaign = ParseNewCampaign(campaign_body, errors);
    std::optional<Target> sample;
    const auto it = body.find("sample");
    if (it == body.end() || !it->is_object()) {
        errors.push_back({"sample", "is required and must be an object {user_ref, metadata?}"});
    } else {
        std::vector<FieldError> sample_errors;
        sample = TargetFromJson(*it, campaign ? campaign->content.kind : Channel::kEmail, sample_errors);
        for (auto& e : sample_errors) {
            errors.push_back({"sample." + e.field, std::move(e.reason), e.at});
        }
    }
    if (errors.size() > errors_before || !campaign || !sample) {
        return std::nullopt;
    }
    return PreviewRequest{std::move(campaign->content), std::move(*sample)};
}

}  // namespace bulkmsg::domain
