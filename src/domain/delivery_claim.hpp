#pragma once

#include "domain/campaign_status.hpp"
#include "domain/outbox_status.hpp"

namespace bulkmsg::domain {

enum class ClaimDecision { kDeliver, kDone, kBusy, kPaused, kCancelled };

/// What a consumer does with a received message, from its row's status, its campaign's status and whether the
/// row was claimed (or published) within the lease:
///   sent, failed, cancelled, suppressed → done (acknowledge only);
///   'sending' within the lease → busy (its holder answers for it, even if this copy was redelivered: the copy
///     may be a second one the poller published, and the holder may still be sending it); past the lease →
///     taken over like an open row;
///   campaign cancelled → cancelled;
///   'retrying' not yet due → done: the copy is stale (a batch requeued after its outcome was stored); the poller
///     publishes the row again once its backoff ends (after a resume too), so delivering it now would skip the
///     backoff;
///   campaign paused → paused;
///   pending, queued, retrying (due) → deliver.
/// `due` is whether the row's available_at has come.
ClaimDecision DecideClaim(OutboxStatus row_status, CampaignStatus campaign_status, bool within_lease, bool due);

}  // namespace bulkmsg::domain
