#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "domain/outbox_row.hpp"

namespace bulkmsg::app {

/// Rows claimed inside one open transaction; they stay locked (other claimers skip them) until
/// CommitQueued or destruction, which rolls back and leaves them as they were.
class OutboxClaim {
public:
    virtual ~OutboxClaim() = default;
    virtual const std::vector<domain::OutboxRow>& Rows() const = 0;
    /// Marks the given claimed rows `queued` as published at `now` (their lease starts) — only rows still in the status
    /// they were claimed in, so a status a consumer already moved on is never overwritten — and commits. Returns the
    /// number of rows updated.
    virtual std::size_t CommitQueued(const std::vector<std::uint64_t>& ids, domain::TimePoint now) = 0;
};

/// The outbox table as the poller sees it (port).
class OutboxStore {
public:
    virtual ~OutboxStore() = default;
    /// Claims up to `limit` rows of `kind` that are due at `now` (for kStaleQueued: queued at or before
    /// now - lease), oldest first, skipping rows locked by other claimers and rows of paused or cancelled
    /// campaigns.
    virtual std::unique_ptr<OutboxClaim> Claim(domain::ClaimKind kind, domain::TimePoint now,
                                               std::chrono::seconds lease, std::size_t limit) = 0;
};

}  // namespace bulkmsg::app
