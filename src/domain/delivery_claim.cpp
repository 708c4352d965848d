#include "domain/delivery_claim.hpp"

#include "domain/outbox_row.hpp"

namespace bulkmsg::domain {

ClaimDecision DecideClaim(std::string_view row_status, std::string_view campaign_status, bool within_lease) {
    if (IsFinalStatus(row_status)) {
        return ClaimDecision::kDone;
    }
    if (row_status == "sending" && within_lease) {
        return ClaimDecision::kBusy;
    }
    if (campaign_status == "cancelled") {
        return ClaimDecision::kCancelled;
    }
    if (campaign_status == "paused") {
        return ClaimDecision::kPaused;
    }
    return ClaimDecision::kDeliver;
}

}  // namespace bulkmsg::domain
