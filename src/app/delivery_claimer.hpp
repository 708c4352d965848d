#pragma once

#include <optional>
#include <vector>

#include "app/delivery_dispatcher.hpp"
#include "app/delivery_ledger.hpp"
#include "app/outcome_writer.hpp"
#include "domain/queue_batch.hpp"

namespace bulkmsg::app {

/// One item of a received message (a single-object message is one item, a batch one per row), until it is claimed.
struct ReceivedItem {
    std::uint64_t tag = 0;  // the message's delivery tag: every item of a batch has the same
    domain::QueueItem item;
    std::string traceparent;  // the item's own trace context if valid, else the message header's
};

/// The claim stage of a DeliveryWorker: receives messages from the queue (up to prefetch held), splits them into
/// their items and claims the items' rows together, in one transaction (one UPDATE, one claim token), once
/// claim_rows items are waiting or the oldest waited claim_interval. Claimed items go to the dispatcher, after one
/// SentMarkers lookup for all of them; those already sent go straight to the writer.
///
/// Guarantees: a row claimed by another worker, paused or cancelled is settled without sending; an item naming no
/// outbox row (or not a message at all) is dead-lettered alone, the other items of its batch go on; when the claim
/// fails every item is given back (its messages requeued) and the store is left alone for the shared backoff.
class DeliveryClaimer {
public:
    DeliveryClaimer(const DeliveryContext& context, DeliveryDispatcher& dispatcher, OutcomeWriter& writer);

    /// Receives (unless `stopping`; waiting a little for the first message unless `busy`) and claims when due.
    /// Returns true when it received or claimed.
    bool ReceiveAndClaim(bool busy, bool stopping);
    bool HasReceived() const { return !received_.empty(); }
    /// Removes and returns the items received but not claimed.
    std::vector<ReceivedItem> TakeReceived();

private:
    void Receive(bool busy);
    void ClaimReceived(domain::TimePoint now);
    /// Acts on each verdict: acknowledges what needs no send and passes the claimed messages on.
    void Admit(std::vector<ReceivedItem> items, std::vector<ClaimRequest> requests, std::vector<ClaimVerdict> verdicts);
    /// Settles an item whose verdict needs no send (acknowledged; dead-lettered when invalid).
    void Settle(const ReceivedItem& item, const ClaimRequest& request, const ClaimVerdict& verdict);
    /// Reads the sent markers of `keys`; nullopt when SentMarkers is unavailable.
    std::optional<std::vector<std::optional<std::string>>> AlreadySent(const std::vector<std::string>& keys);

    DeliveryContext context_;
    DeliveryDispatcher& dispatcher_;
    OutcomeWriter& writer_;

    std::vector<ReceivedItem> received_;  // not yet claimed; claimed together (one transaction) when due
    std::optional<domain::TimePoint> oldest_received_;
};

}  // namespace bulkmsg::app
