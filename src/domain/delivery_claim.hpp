#pragma once

#include <string_view>

namespace bulkmsg::domain {

enum class ClaimDecision { kDeliver, kDone, kBusy, kPaused, kCancelled };

/// What a consumer does with a received message, from its row's status, its campaign's status and whether the
/// row was claimed (or published) within the lease:
///   sent, failed, cancelled, suppressed → done (acknowledge only);
///   'sending' by another worker within the lease → busy (that worker answers for it), unless the broker marks
///     the message redelivered (its first consumer's channel closed) or the lease has run out → deliver;
///   campaign cancelled → cancelled; campaign paused → paused (back to pending);
///   pending, queued, retrying → deliver.
ClaimDecision DecideClaim(std::string_view row_status, std::string_view campaign_status, bool within_lease,
                          bool redelivered);

}  // namespace bulkmsg::domain
