#pragma once

#include <optional>
#include <vector>

#include "app/delivery_dispatcher.hpp"
#include "app/delivery_ledger.hpp"
#include "app/outcome_writer.hpp"

namespace bulkmsg::app {

/// The claim stage of a DeliveryWorker: receives messages from the queue (up to prefetch held) and claims their
/// rows together, in one transaction, once claim_rows are waiting or the oldest waited claim_interval. Claimed
/// messages go to the dispatcher; those already sent according to SentMarkers go straight to the writer.
///
/// Guarantees: a row claimed by another worker, paused or cancelled is acknowledged without sending; a message
/// naming no outbox row is dead-lettered; when the claim fails every message is requeued and the store is left
/// alone for the shared backoff.
class DeliveryClaimer {
public:
    DeliveryClaimer(const DeliveryContext& context, DeliveryDispatcher& dispatcher, OutcomeWriter& writer);

    /// Receives (unless `stopping`; waiting a little for the first message unless `busy`) and claims when due.
    /// Returns true when it received or claimed.
    bool ReceiveAndClaim(bool busy, bool stopping);
    bool HasReceived() const { return !received_.empty(); }
    /// Removes and returns the messages received but not claimed.
    std::vector<Delivery> TakeReceived();

private:
    void Receive(bool busy);
    void ClaimReceived(domain::TimePoint now);
    /// Acts on each verdict: acknowledges what needs no send and passes the claimed messages on.
    void Admit(std::vector<Delivery> deliveries, std::vector<ClaimRequest> requests,
               std::vector<ClaimVerdict> verdicts);
    /// Reads the sent markers of `keys`; nullopt when SentMarkers is unavailable.
    std::optional<std::vector<std::optional<std::string>>> AlreadySent(const std::vector<std::string>& keys);

    DeliveryContext context_;
    DeliveryDispatcher& dispatcher_;
    OutcomeWriter& writer_;

    std::vector<Delivery> received_;  // not yet claimed; claimed together (one transaction) when due
    std::optional<domain::TimePoint> oldest_received_;
};

}  // namespace bulkmsg::app
