#include "app/delivery_worker.hpp"

#include "app/log.hpp"

namespace bulkmsg::app {

DeliveryWorker::DeliveryWorker(DeliveryWorkerOptions options, DeliveryQueue& queue, DeliveryStore& store,
                               SentMarkers& markers, RateLimiter& limiter, ProviderRouter& providers,
                               HttpTransport& transport, Clock& clock, RandomSource& random, ProgressCache* progress)
    : options_(std::move(options)),
      queue_(queue),
      store_(store),
      transport_(transport),
      clock_(clock),
      context_{options_, queue, store, markers, clock, random, ledger_},
      writer_(context_, providers, progress),
      dispatcher_(context_, limiter, providers, writer_),
      claimer_(context_, dispatcher_, writer_) {}

bool DeliveryWorker::Busy() const {
    return dispatcher_.InFlight() > 0 || !writer_.Empty() || claimer_.HasReceived() || dispatcher_.HasWaiting();
}

bool DeliveryWorker::Step() {
    bool progressed = claimer_.ReceiveAndClaim(Busy(), stopping_);
    progressed = dispatcher_.Dispatch(stopping_) || progressed;
    if (dispatcher_.InFlight() > 0) {
        transport_.Poll(progressed ? std::chrono::milliseconds(0) : std::chrono::milliseconds(1));
    }
    writer_.MarkSent();
    progressed = writer_.FlushIfDue(false) || progressed;
    SendAcks();
    return progressed;
}

void DeliveryWorker::Run(StopToken& stop, std::chrono::milliseconds drain_timeout) {
    while (!stop.StopRequested()) {
        Step();
    }
    Drain(drain_timeout);
}

void DeliveryWorker::SendAcks() {
    if (!ledger_.acks.empty()) {
        queue_.Ack(std::move(ledger_.acks));
        ledger_.acks.clear();
    }
    if (!ledger_.requeues.empty()) {
        queue_.Requeue(ledger_.requeues);
        ledger_.requeues.clear();
    }
}

void DeliveryWorker::GiveBackUnsent() {
    std::vector<HeldRow> release;
    std::vector<std::uint64_t> tags;
    for (const auto& received : claimer_.TakeReceived()) {
        tags.push_back(received.tag);
    }
    for (const auto& item : dispatcher_.TakeWaiting()) {
        release.push_back({item.message.outbox_id, item.claim_token});
        tags.push_back(item.tag);
    }
    if (!release.empty()) {
        try {
            store_.Release(release);
        } catch (const std::exception& e) {
            Log(LogLevel::kWarn, "consumer", "cannot release claimed rows; the lease frees them",
                {{"rows", release.size()}, {"error", e.what()}});
        }
    }
    // A message is requeued once all its items are settled: a batch with items still being written goes back
    // after their write (or, if that never comes, when the connection closes).
    for (const auto tag : tags) {
        ledger_.GiveBack(tag);
    }
    SendAcks();
}

void DeliveryWorker::Drain(std::chrono::milliseconds timeout) {
    stopping_ = true;
    queue_.StopConsuming();
    const auto deadline = clock_.Now() + timeout;
    while (dispatcher_.InFlight() > 0 && clock_.Now() < deadline) {
        transport_.Poll(std::chrono::milliseconds(10));
    }
    writer_.MarkSent();
    GiveBackUnsent();
    while (!writer_.Empty() && clock_.Now() < deadline) {
        ledger_.store.TryNow();
        if (!writer_.FlushIfDue(true)) {
            StopToken never;
            clock_.SleepFor(std::chrono::milliseconds(200), never);
        }
    }
    SendAcks();
    if (dispatcher_.InFlight() > 0 || !writer_.Empty()) {
        Log(LogLevel::kWarn, "consumer", "stopped with work unfinished; the lease and redelivery recover it",
            {{"in_flight", dispatcher_.InFlight()}, {"unwritten", writer_.Unwritten()}});
    }
}

}  // namespace bulkmsg::app
