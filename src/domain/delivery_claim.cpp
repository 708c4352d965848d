#include "domain/delivery_claim.hpp"

namespace bulkmsg::domain {

ClaimDecision DecideClaim(std::string_view row_status, std::string_view campaign_status, bool within_lease) {
    if (row_status == "sent" || row_status == "failed" || row_status == "cancelled" || row_status == "suppressed") {
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
