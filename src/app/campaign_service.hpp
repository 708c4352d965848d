#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/campaign_progress.hpp"
#include "app/campaign_store.hpp"
#include "app/message_store.hpp"

namespace bulkmsg::app {

/// The result of a lifecycle step asked for by a user.
struct StepResult {
    enum class Outcome { kDone, kNotFound, kRefused };
    Outcome outcome = Outcome::kNotFound;
    std::optional<CampaignRecord> campaign;  // after the step when done; as it stands when refused
    std::uint64_t cancelled_messages = 0;    // outbox rows a cancel marked cancelled
};

/// The campaign use cases: create, read, list, the lifecycle steps users take (schedule, prepare, pause, resume,
/// cancel, as domain::CampaignStep allows them), the audit trail and the messages. Each step is one conditional
/// status change in the store, so two concurrent steps cannot both apply. Thread-safe when the stores are.
class CampaignService {
public:
    CampaignService(CampaignStore& campaigns, MessageStore& messages, CampaignProgress& progress);

    /// Creates the campaign (draft, or scheduled when it has scheduled_at); an Idempotency-Key replays or conflicts.
    CreateResult Create(const domain::NewCampaign& campaign, const std::optional<IdempotentRequest>& idempotency,
                        const std::string& actor);
    std::optional<CampaignRecord> Get(std::uint64_t id);
    std::vector<CampaignRecord> List(std::uint64_t before_id, std::size_t limit,
                                     std::optional<domain::CampaignStatus> status);

    /// Takes `step` (a user's: kSchedule with `scheduled_at`, kPrepare, kPause, kResume) recording `note`.
    StepResult Take(std::uint64_t id, domain::CampaignStep step, const AuditNote& note,
                    std::optional<domain::TimePoint> scheduled_at = std::nullopt);
    /// Cancels the campaign and marks its unsent outbox rows cancelled.
    StepResult Cancel(std::uint64_t id, const AuditNote& note);

    /// The audit trail after `after_id`; nullopt when the campaign does not exist.
    std::optional<std::vector<CampaignEvent>> Events(std::uint64_t id, std::uint64_t after_id, std::size_t limit);
    /// Outbox rows after `after_id`, optionally of one status; nullopt when the campaign does not exist.
    std::optional<std::vector<MessageRecord>> Messages(std::uint64_t id, const MessageFilter& filter,
                                                       std::uint64_t after_id, std::size_t limit);
    /// The progress document; nullopt when the campaign does not exist.
    std::optional<nlohmann::json> Progress(std::uint64_t id);

private:
    StepResult Outcome(std::uint64_t id, bool changed);

    CampaignStore& campaigns_;
    MessageStore& messages_;
    CampaignProgress& progress_;
};

}  // namespace bulkmsg::app
