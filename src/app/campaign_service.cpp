#include "app/campaign_service.hpp"

namespace bulkmsg::app {

CampaignService::CampaignService(CampaignStore& campaigns, MessageStore& messages, CampaignProgress& progress)
    : campaigns_(campaigns), messages_(messages), progress_(progress) {}

CreateResult CampaignService::Create(const domain::NewCampaign& campaign,
                                     const std::optional<IdempotentRequest>& idempotency, const std::string& actor) {
    return campaigns_.CreateCampaign(campaign, idempotency, actor);
}

std::optional<CampaignRecord> CampaignService::Get(std::uint64_t id) {
    return campaigns_.GetCampaign(id);
}

std::vector<CampaignRecord> CampaignService::List(std::uint64_t before_id, std::size_t limit,
                                                  std::optional<domain::CampaignStatus> status) {
    return campaigns_.ListCampaigns(before_id, limit, status);
}

StepResult CampaignService::Outcome(std::uint64_t id, bool changed) {
    StepResult result;
    result.campaign = campaigns_.GetCampaign(id);
    if (result.campaign) {
        result.outcome = changed ? StepResult::Outcome::kDone : StepResult::Outcome::kRefused;
    }
    return result;
}

StepResult CampaignService::Take(std::uint64_t id, domain::CampaignStep step, const AuditNote& note,
                                 std::optional<domain::TimePoint> scheduled_at) {
    const auto& transition = domain::TransitionOf(step);
    const bool changed = campaigns_.Transition(id, {transition.from, transition.to, note, scheduled_at});
    if (changed) {
        progress_.Forget(id);
    }
    return Outcome(id, changed);
}

StepResult CampaignService::Cancel(std::uint64_t id, const AuditNote& note) {
    const auto& transition = domain::TransitionOf(domain::CampaignStep::kCancel);
    if (!campaigns_.Transition(id, {transition.from, transition.to, note, std::nullopt})) {
        return Outcome(id, false);
    }
    const auto cancelled = messages_.CancelUnsent(id);
    progress_.Forget(id);
    auto result = Outcome(id, true);
    result.cancelled_messages = cancelled;
    return result;
}

std::optional<std::vector<CampaignEvent>> CampaignService::Events(std::uint64_t id, std::uint64_t after_id,
                                                                  std::size_t limit) {
    if (!campaigns_.GetCampaign(id)) {
        return std::nullopt;
    }
    return campaigns_.ListEvents(id, after_id, limit);
}

std::optional<std::vector<MessageRecord>> CampaignService::Messages(std::uint64_t id, const MessageFilter& filter,
                                                                    std::uint64_t after_id, std::size_t limit) {
    if (!campaigns_.GetCampaign(id)) {
        return std::nullopt;
    }
    return messages_.ListMessages(id, filter, after_id, limit);
}

std::optional<nlohmann::json> CampaignService::Progress(std::uint64_t id) {
    if (!campaigns_.GetCampaign(id)) {
        return std::nullopt;
    }
    return progress_.Of(id);
}

}  // namespace bulkmsg::app
