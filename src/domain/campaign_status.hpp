#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace bulkmsg::domain {

/// The lifecycle of a campaign (campaigns.status).
enum class CampaignStatus { kDraft, kScheduled, kPreparing, kRunning, kPaused, kCompleted, kCancelled, kFailed };

inline constexpr std::array kAllCampaignStatuses = {
    CampaignStatus::kDraft,  CampaignStatus::kScheduled, CampaignStatus::kPreparing, CampaignStatus::kRunning,
    CampaignStatus::kPaused, CampaignStatus::kCompleted, CampaignStatus::kCancelled, CampaignStatus::kFailed};

std::string_view ToString(CampaignStatus status);
std::optional<CampaignStatus> ParseCampaignStatus(std::string_view text);

/// What moves a campaign from one status to another, by whom: the API's verbs and the service's own steps.
enum class CampaignStep {
    kSchedule,       // API: draft|scheduled → scheduled (a new time)
    kPrepare,        // API: draft|scheduled → preparing
    kScheduleDue,    // scheduler: scheduled → preparing once scheduled_at has come
    kPrepared,       // preparer: preparing → running
    kPrepareFailed,  // preparer: preparing → failed
    kPause,          // API: running → paused
    kResume,         // API: paused → running
    kCancel,         // API: draft|scheduled|preparing|running|paused → cancelled
    kComplete,       // consumer: running → completed once no row is open
};

/// The one transition table: the statuses `step` may start from (empty for none) and where it leads.
struct CampaignTransition {
    std::vector<CampaignStatus> from;
    CampaignStatus to;
};
const CampaignTransition& TransitionOf(CampaignStep step);

/// Whether `step` may be taken from `status`.
bool Allows(CampaignStep step, CampaignStatus status);

/// Whether some step leads from `from` to `to`.
bool CanMove(CampaignStatus from, CampaignStatus to);

/// Whether targets may still be added (draft or scheduled).
bool AcceptsTargets(CampaignStatus status);

}  // namespace bulkmsg::domain
