#include "domain/campaign_status.hpp"

#include <algorithm>
#include <map>

#include "domain/enum_names.hpp"

namespace bulkmsg::domain {

namespace {

constexpr EnumNames<CampaignStatus, kAllCampaignStatuses.size()> kNames{
    {"draft", "scheduled", "preparing", "running", "paused", "completed", "cancelled", "failed"}};

using S = CampaignStatus;

const std::map<CampaignStep, CampaignTransition>& Table() {
    static const std::map<CampaignStep, CampaignTransition> table = {
        {CampaignStep::kSchedule, {{S::kDraft, S::kScheduled}, S::kScheduled}},
        {CampaignStep::kPrepare, {{S::kDraft, S::kScheduled}, S::kPreparing}},
        {CampaignStep::kScheduleDue, {{S::kScheduled}, S::kPreparing}},
        {CampaignStep::kPrepared, {{S::kPreparing}, S::kRunning}},
        {CampaignStep::kPrepareFailed, {{S::kPreparing}, S::kFailed}},
        {CampaignStep::kPause, {{S::kRunning}, S::kPaused}},
        {CampaignStep::kResume, {{S::kPaused}, S::kRunning}},
        {CampaignStep::kCancel, {{S::kDraft, S::kScheduled, S::kPreparing, S::kRunning, S::kPaused}, S::kCancelled}},
        {CampaignStep::kComplete, {{S::kRunning}, S::kCompleted}},
    };
    return table;
}

}  // namespace

std::string_view ToString(CampaignStatus status) {
    return kNames.Of(status);
}

std::optional<CampaignStatus> ParseCampaignStatus(std::string_view text) {
    return kNames.Parse(text);
}

const CampaignTransition& TransitionOf(CampaignStep step) {
    return Table().at(step);
}

bool Allows(CampaignStep step, CampaignStatus status) {
    const auto& from = TransitionOf(step).from;
    return std::find(from.begin(), from.end(), status) != from.end();
}

bool CanMove(CampaignStatus from, CampaignStatus to) {
    return std::any_of(Table().begin(), Table().end(),
                       [&](const auto& entry) { return entry.second.to == to && Allows(entry.first, from); });
}

bool AcceptsTargets(CampaignStatus status) {
    return status == CampaignStatus::kDraft || status == CampaignStatus::kScheduled;
}

}  // namespace bulkmsg::domain
