#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/delivery_ledger.hpp"
#include "app/progress_cache.hpp"
#include "app/providers/provider_router.hpp"

namespace bulkmsg::app {

/// The outcome-writing stage of a DeliveryWorker: collects finished messages and stores their outcomes in batches
/// (one transaction per flush), acknowledging each message only after its outcome is committed.
///
/// Guarantees: when the store is unreachable nothing is acknowledged and the outcomes are kept and retried after
/// the shared backoff; provider acceptances are recorded in SentMarkers (MarkSent) before their rows are written.
class OutcomeWriter {
public:
    OutcomeWriter(const DeliveryContext& context, ProviderRouter& providers, ProgressCache* progress);

    /// Adds a message's outcome to the next write.
    void Finish(std::uint64_t tag, std::uint64_t claim_token, domain::DeliveryOutcome outcome,
                domain::OutboundMessage message, bool suppress);
    /// Notes a provider acceptance, to be recorded by the next MarkSent.
    void Accepted(std::string idempotency_key, std::string provider_message_id);
    /// Records the acceptances noted since the last call in SentMarkers at once (one call).
    void MarkSent();
    /// Writes the finished outcomes when `force`, the batch is full or the oldest waited flush_interval.
    /// Returns true when it wrote.
    bool FlushIfDue(bool force);
    bool Empty() const { return finished_.empty(); }
    std::size_t Unwritten() const { return finished_.size(); }

private:
    struct Finished {
        std::uint64_t tag;
        domain::DeliveryOutcome outcome;
        domain::OutboundMessage message;
        bool suppress;
    };

    /// Counts the outcomes just committed in bulkmsg_messages_{sent,failed,retried}_total.
    void CountStored();
    /// Acknowledges the written messages, dead-letters the final failures and forgets their campaigns' cached
    /// progress.
    void Settle();

    DeliveryContext context_;
    ProviderRouter& providers_;
    ProgressCache* progress_;

    std::vector<Finished> finished_;
    std::optional<domain::TimePoint> oldest_finished_;
    std::vector<std::pair<std::string, std::string>> unmarked_;  // accepted this step: key, provider id
};

}  // namespace bulkmsg::app
