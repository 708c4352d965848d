#pragma once

#include <deque>
#include <map>
#include <optional>

#include "app/clock.hpp"
#include "app/delivery_ports.hpp"
#include "app/http_transport.hpp"
#include "app/log.hpp"
#include "app/metrics/metrics.hpp"
#include "app/progress_cache.hpp"
#include "app/providers/provider_router.hpp"
#include "app/random_source.hpp"
#include "app/stop_token.hpp"
#include "app/tracing/tracer.hpp"

namespace bulkmsg::app {

struct DeliveryWorkerOptions {
    std::size_t prefetch = 200;       // messages held at once: received, waiting, in flight or awaiting their write
    std::size_t max_in_flight = 256;  // provider requests at once
    std::size_t claim_rows = 100;     // messages claimed per transaction at most before a claim is forced
    std::chrono::milliseconds claim_interval{10};  // a received message waits at most this long for its claim
    std::size_t flush_rows = 500;                  // outcomes written per transaction at most before a flush is forced
    std::chrono::milliseconds flush_interval{10};  // an outcome waits at most this long for its write
    std::chrono::seconds lease{900};               // QUEUED_LEASE_SECONDS: a 'sending' row older than this is free
    domain::RetryPolicy retry;
    std::map<domain::Channel, double> rate_per_second;  // shared token buckets by channel; 0 or absent = unlimited
    std::chrono::seconds max_wait_for_rate{
        30};  // a message waiting longer (or half the lease) for a token goes back to the outbox
};

struct DeliveryStats {
    std::uint64_t received = 0, sent = 0, retried = 0, failed = 0, deduplicated = 0, paused = 0, cancelled = 0,
                  invalid = 0, deferred = 0, write_failures = 0;
};

/// One consumer worker: takes messages from the queue, claims their rows, sends them through the providers with
/// many requests in flight, and writes outcomes in batches, acknowledging each message only after its outcome is
/// committed. Single-threaded: Step runs every part in turn (the provider callbacks run inside it).
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

    /// One round of receive, claim, dispatch, transport progress and flush. Returns false when it found nothing
    /// to do (the caller may then wait a little).
    bool Step();
    /// Steps until `stop`, then drains within `drain_timeout`.
    void Run(StopToken& stop, std::chrono::milliseconds drain_timeout);
    /// Stops consuming, lets requests in flight finish (up to `timeout`), gives claimed-but-unsent rows back and
    /// writes what is finished.
    void Drain(std::chrono::milliseconds timeout);

    const DeliveryStats& Stats() const { return stats_; }
    std::size_t Held() const { return held_; }

private:
    struct Waiting {
        std::uint64_t tag;
        std::uint64_t claim_token;
        domain::OutboundMessage message;
        unsigned attempts;
        domain::TimePoint since;
        domain::Span span;  // the consume span: from claim to outcome, parent of the provider call's span
    };
    struct Finished {
        std::uint64_t tag;
        domain::DeliveryOutcome outcome;
        domain::OutboundMessage message;
        bool suppress;
    };

    bool ReceiveAndClaim();
    void ClaimReceived(domain::TimePoint now);
    void Admit(std::vector<Delivery> deliveries, std::vector<ClaimRequest> requests,
               std::vector<ClaimVerdict> verdicts);
    bool Dispatch();
    bool DispatchChannel(domain::Channel channel, std::deque<Waiting>& waiting);
    void OnResult(Waiting& item, const std::string& provider, domain::SendResult result);
    /// Ends the provider call's span with the answer's outcome (when tracing records).
    static void EndProviderSpan(domain::Span& call, const std::string& provider, const domain::SendResult& result);
    /// Logs the message's outcome (failed: warn; sent or retrying: debug) with its ids and trace, and ends its
    /// consume span.
    static void EndConsume(Waiting& item, const std::string& provider, const domain::DeliveryOutcome& outcome);
    void Finish(std::uint64_t tag, std::uint64_t claim_token, domain::DeliveryOutcome outcome,
                domain::OutboundMessage message, bool suppress);
    /// Records this step's provider acceptances in SentMarkers at once (one call), before their rows are written.
    void MarkSent();
    /// Counts the outcomes just committed in bulkmsg_messages_{sent,failed,retried}_total.
    void CountStored();
    bool FlushIfDue(bool force);
    void SendAcks();
    bool ProviderHeld(const std::string& provider, domain::TimePoint now);
    bool Busy() const;

    DeliveryWorkerOptions options_;
    DeliveryQueue& queue_;
    DeliveryStore& store_;
    SentMarkers& markers_;
    RateLimiter& limiter_;
    ProviderRouter& providers_;
    HttpTransport& transport_;
    Clock& clock_;
    RandomSource& random_;
    ProgressCache* progress_;

    std::vector<Delivery> received_;  // not yet claimed; claimed together (one transaction) when due
    std::optional<domain::TimePoint> oldest_received_;
    std::map<domain::Channel, std::deque<Waiting>> waiting_;
    std::vector<Finished> finished_;
    std::optional<domain::TimePoint> oldest_finished_;
    std::vector<std::uint64_t> acks_;
    std::vector<std::pair<std::string, std::string>> unmarked_;    // accepted this step: key, provider id
    std::map<std::string, domain::TimePoint> held_until_;          // provider → end of a 429 hold (cached)
    std::map<std::string, domain::TimePoint> hold_checked_;        // provider → when the shared hold was read
    std::map<domain::Channel, domain::TimePoint> next_token_try_;  // channel → when to ask the bucket again
    LogThrottle limiter_warning_{std::chrono::seconds(10)};
    std::size_t in_flight_ = 0;
    Gauge& in_flight_gauge_ = ProcessMetrics().consumer_in_flight.With({});  // shared by the process's workers
    std::size_t held_ = 0;
    bool stopping_ = false;
    domain::TimePoint retry_store_at_{};
    unsigned store_failures_ = 0;
    DeliveryStats stats_;
};

}  // namespace bulkmsg::app
