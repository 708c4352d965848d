#include "domain/delivery_claim.hpp"

namespace bulkmsg::domain {

ClaimDecision DecideClaim(OutboxStatus row_status, CampaignStatus campaign_status, bool within_lease, bool due) {
    if (IsFinal(row_status)) {
        return ClaimDecision::kDone;
    }
    if (row_status == OutboxStatus::kSending && within_lease) {
        return ClaimDecision::kBusy;
    }
    // Before the backoff rule: the poller skips cancelled campaigns, so only this copy can close such a row.
    if (campaign_status == CampaignStatus::kCancelled) {
        return ClaimDecision::kCancelled;
    }
    if (row_status == OutboxStatus::kRetrying && !due) {
        return ClaimDecision::kDone;
    }
    if (campaign_status == CampaignStatus::kPaused) {
        return ClaimDecision::kPaused;
    }
    return ClaimDecision::kDeliver;
}

}  // namespace bulkmsg::domain
