#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/message_renderer.hpp"
#include "domain/outbox_row.hpp"
#include "domain/target.hpp"

namespace bulkmsg::app {

struct StoredTarget {
    std::uint64_t id = 0;
    domain::Target target;
};

/// One outbox row as preparation writes it (status pending, available now).
struct OutboxInsert {
    std::uint64_t campaign_id = 0;
    std::uint64_t target_id = 0;
    std::string user_ref;
    domain::Channel kind = domain::Channel::kEmail;
    std::string payload;
    std::string idempotency_key;
    std::string traceparent;
    domain::TimePoint available_at;  // earliest publish time (the send window's start in the target's zone)
    std::string suppressed_reason;   // non-empty: the recipient is suppressed; the row is written `suppressed`
};

/// How many InsertOutbox calls CampaignPreparer runs at once (each on its own thread), while its own thread reads the
/// next batch: a PreparationStore serves that many calls concurrently plus the reads. Two, because the database, not
/// rendering, is the limit, and it serves two writers faster than one; a third made no difference the noise would
/// show (docs/benchmarks.md).
inline constexpr std::size_t kPreparationWritesInFlight = 2;

/// Campaigns, targets and the outbox as preparation and the scheduler see them (port).
class PreparationStore {
public:
    virtual ~PreparationStore() = default;
    virtual std::optional<domain::CampaignContent> LoadCampaign(std::uint64_t campaign_id) = 0;
    /// The traceparent stored by the request that prepared or scheduled the campaign; "" when none.
    virtual std::string CampaignTraceparent(std::uint64_t campaign_id) = 0;
    /// Up to `limit` targets of the campaign with id > after_target_id, in id order (keyset pagination).
    virtual std::vector<StoredTarget> TargetsAfter(std::uint64_t campaign_id, std::uint64_t after_target_id,
                                                   std::size_t limit) = 0;
    /// The suppression reason of each of `targets` that is suppressed on its channel, by target id.
    virtual std::map<std::uint64_t, std::string> Suppressed(const std::vector<StoredTarget>& targets) = 0;
    /// Writes the rows with one multi-row INSERT IGNORE in its own transaction: a row whose idempotency key
    /// is already in the outbox is skipped. Returns the number of rows inserted.
    virtual std::size_t InsertOutbox(const std::vector<OutboxInsert>& rows) = 0;
    /// Moves campaigns scheduled in [now - max_lateness, now] to `preparing`, flags (status_reason) scheduled
    /// ones older than that without starting them, and returns every campaign in `preparing` (including ones
    /// whose preparation was interrupted), oldest first.
    virtual std::vector<std::uint64_t> StartDueCampaigns(domain::TimePoint now, std::chrono::seconds max_lateness) = 0;
    /// `preparing` → `running` when `ok`, else → `failed`. When the campaign was cancelled meanwhile, its pending
    /// rows become cancelled instead.
    virtual void FinishPreparation(std::uint64_t campaign_id, bool ok) = 0;
    /// Takes (or confirms it still holds) the exclusive scheduler lock; false when another process has it.
    virtual bool TryAcquireSchedulerLock() = 0;
};

}  // namespace bulkmsg::app
