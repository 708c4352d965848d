#include "domain/delivery_claim.hpp"

namespace bulkmsg::domain {

ClaimDecision DecideClaim(OutboxStatus row_status, CampaignStatus campaign_status, bool within_lease, bool due) {
    if (IsFinal(row_status) || (row_status == OutboxStatus::kRetrying && !due)) {
        return ClaimDecision::kDone;
    }
    if (row_status == OutboxStatus::kSending && within_lease) {
        return ClaimDecision::kBusy;
    }
    if (campaign_status == CampaignStatus::kCancelled) {
        return ClaimDecision::kCancelled;
    }
    if (campaign_status == CampaignStatus::kPaused) {
        return ClaimDecision::kPaused;
    }
    return ClaimDecision::kDeliver;
}

}  // namespace bulkmsg::domain
