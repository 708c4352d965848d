#pragma once

#include <chrono>

#include "app/clock.hpp"
#include "app/delivery_claimer.hpp"
#include "app/delivery_dispatcher.hpp"
#include "app/delivery_ledger.hpp"
#include "app/delivery_options.hpp"
#include "app/delivery_ports.hpp"
#include "app/http_transport.hpp"
#include "app/outcome_writer.hpp"
#include "app/progress_cache.hpp"
#include "app/providers/provider_router.hpp"
#include "app/random_source.hpp"
#include "app/stop_token.hpp"

namespace bulkmsg::app {

/// One consumer worker: takes messages from the queue, claims their rows (DeliveryClaimer), sends them through the
/// providers with many requests in flight (DeliveryDispatcher), and writes outcomes in batches (OutcomeWriter),
/// acknowledging each message only after its outcome is committed. Single-threaded: Step runs every stage in turn
/// (the provider callbacks run inside it). Time comes from the injected Clock only.
///
/// Guarantees: a message is acknowledged only once its row's new state is stored (or nothing needs storing);
/// when the store is unreachable nothing is acknowledged and the outcomes are retried with backoff; a row claimed
/// by another worker is left alone; a provider acceptance is recorded in SentMarkers in the step it arrives, before
/// the row is written, so a redelivery after a crash in between is recorded as sent instead of sent again.
class DeliveryWorker {
public:
    DeliveryWorker(DeliveryWorkerOptions options, DeliveryQueue& queue, DeliveryStore& store, SentMarkers& markers,
                   RateLimiter& limiter, ProviderRouter& providers, HttpTransport& transport, Clock& clock,
                   RandomSource& random, ProgressCache* progress = nullptr);
    // The stages refer to each other and to the options and ledger held here.
    DeliveryWorker(const DeliveryWorker&) = delete;
    DeliveryWorker& operator=(const DeliveryWorker&) = delete;

    /// One round of receive, claim, dispatch, transport progress and flush. Returns false when it found nothing
    /// to do (the caller may then wait a little).
    bool Step();
    /// Steps until `stop`, then drains within `drain_timeout`.
    void Run(StopToken& stop, std::chrono::milliseconds drain_timeout);
    /// Stops consuming, lets requests in flight finish (up to `timeout`), gives claimed-but-unsent rows back and
    /// writes what is finished.
    void Drain(std::chrono::milliseconds timeout);

    const DeliveryStats& Stats() const { return ledger_.stats; }
    std::size_t Held() const { return ledger_.held; }

private:
    bool Busy() const;
    void SendAcks();
    /// Releases the claimed rows not yet sent and requeues them with the received, unclaimed messages.
    void GiveBackUnsent();

    DeliveryWorkerOptions options_;
    DeliveryQueue& queue_;
    DeliveryStore& store_;
    HttpTransport& transport_;
    Clock& clock_;
    DeliveryLedger ledger_;
    DeliveryContext context_;
    OutcomeWriter writer_;
    DeliveryDispatcher dispatcher_;
    DeliveryClaimer claimer_;
    bool stopping_ = false;
};

}  // namespace bulkmsg::app
