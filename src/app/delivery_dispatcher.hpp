#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "app/delivery_ledger.hpp"
#include "app/log.hpp"
#include "app/metrics/metrics.hpp"
#include "app/outcome_writer.hpp"
#include "app/providers/provider_router.hpp"

namespace bulkmsg::app {

/// The dispatch stage of a DeliveryWorker: sends claimed messages through the providers with up to
/// max_in_flight requests at once, within the shared per-channel rates and the providers' 429 holds, and hands
/// each answer's outcome to the OutcomeWriter (acceptances to its sent markers in the step they arrive).
///
/// A message that waited longer than max_wait_for_rate (never more than half the lease) goes back to the outbox.
class DeliveryDispatcher {
public:
    DeliveryDispatcher(const DeliveryContext& context, RateLimiter& limiter, ProviderRouter& providers,
                       OutcomeWriter& writer);

    void Enqueue(ClaimedMessage message);
    /// Sends what the rates, holds and in-flight limit allow (none once stopping). Returns true on progress.
    bool Dispatch(bool stopping);
    std::size_t InFlight() const { return in_flight_; }
    bool HasWaiting() const;
    /// Removes and returns every message not yet sent.
    std::vector<ClaimedMessage> TakeWaiting();

private:
    bool DispatchChannel(domain::Channel channel, std::deque<ClaimedMessage>& waiting, bool stopping);
    /// Sends the messages that waited too long back to the outbox. Returns true when there were any.
    bool DeferOverdue(std::deque<ClaimedMessage>& waiting, domain::TimePoint now);
    /// How many of `wanted` the channel's shared rate allows now (all when it has no rate).
    std::size_t Tokens(domain::Channel channel, std::size_t wanted, domain::TimePoint now);
    void Send(MessageProvider& provider, ClaimedMessage message);
    /// Sends an SMS that is due in its recipient's quiet hours back to the outbox until they end (attempts kept).
    bool DeferQuietHours(ClaimedMessage& item, domain::TimePoint now);
    void OnResult(ClaimedMessage& item, const std::string& provider, domain::SendResult result);
    bool ProviderHeld(const std::string& provider, domain::TimePoint now);
    /// Ends the provider call's span with the answer's outcome (when tracing records).
    static void EndProviderSpan(domain::Span& call, const std::string& provider, const domain::SendResult& result);
    /// Logs the message's outcome (failed: warn; sent or retrying: debug) with its ids and trace, and ends its
    /// consume span.
    static void EndConsume(ClaimedMessage& item, const std::string& provider, const domain::DeliveryOutcome& outcome);

    DeliveryContext context_;
    RateLimiter& limiter_;
    ProviderRouter& providers_;
    OutcomeWriter& writer_;

    std::map<domain::Channel, std::deque<ClaimedMessage>> waiting_;
    std::map<std::string, domain::TimePoint> held_until_;          // provider → end of a 429 hold (cached)
    std::map<std::string, domain::TimePoint> hold_checked_;        // provider → when the shared hold was read
    std::map<domain::Channel, domain::TimePoint> next_token_try_;  // channel → when to ask the bucket again
    LogThrottle limiter_warning_{std::chrono::seconds(10)};
    std::size_t in_flight_ = 0;
    Gauge& in_flight_gauge_ = ProcessMetrics().consumer_in_flight.With({});  // shared by the process's workers
};

}  // namespace bulkmsg::app
