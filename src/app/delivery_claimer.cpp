#include "app/delivery_claimer.hpp"

#include <iterator>

#include "app/log.hpp"
#include "app/metrics/metrics.hpp"
#include "app/tracing/tracer.hpp"
#include "domain/queue_message.hpp"
#include "domain/traceparent.hpp"

namespace bulkmsg::app {

namespace {

constexpr std::chrono::milliseconds kIdleReceiveWait{20};

}  // namespace

DeliveryClaimer::DeliveryClaimer(const DeliveryContext& context, DeliveryDispatcher& dispatcher, OutcomeWriter& writer)
    : context_(context), dispatcher_(dispatcher), writer_(writer) {}

std::vector<Delivery> DeliveryClaimer::TakeReceived() {
    auto taken = std::move(received_);
    received_.clear();
    oldest_received_.reset();
    return taken;
}

void DeliveryClaimer::Receive(bool busy) {
    auto deliveries =
        context_.queue.Receive(context_.options.prefetch - context_.ledger.held,
                               busy || !received_.empty() ? std::chrono::milliseconds(0) : kIdleReceiveWait);
    context_.ledger.held += deliveries.size();
    context_.ledger.stats.received += deliveries.size();
    if (!deliveries.empty() && received_.empty()) {
        oldest_received_ = context_.clock.Now();
    }
    std::move(deliveries.begin(), deliveries.end(), std::back_inserter(received_));
}

bool DeliveryClaimer::ReceiveAndClaim(bool busy, bool stopping) {
    if (context_.ledger.store.Waiting(context_.clock.Now())) {
        return false;
    }
    bool received = false;
    if (!stopping && context_.ledger.held < context_.options.prefetch) {
        const auto before = received_.size();
        Receive(busy);
        received = received_.size() > before;
    }
    const bool due =
        !received_.empty() && (stopping || received_.size() >= context_.options.claim_rows ||
                               context_.ledger.held >= context_.options.prefetch ||
                               context_.clock.Now() - *oldest_received_ >= context_.options.claim_interval);
    if (due) {
        ClaimReceived(context_.clock.Now());
    }
    return received || due;
}

void DeliveryClaimer::ClaimReceived(domain::TimePoint now) {
    auto deliveries = TakeReceived();
    std::vector<ClaimRequest> requests;
    requests.reserve(deliveries.size());
    for (const auto& d : deliveries) {
        try {
            const auto m = domain::DecodeQueueMessage(d.body);
            requests.push_back({m.outbox_id, m.idempotency_key, m.kind});
        } catch (const domain::QueueMessageError&) {
            requests.push_back({0, "", ""});  // outbox id 0 never exists: the store calls it invalid
        }
    }
    std::vector<ClaimVerdict> verdicts;
    try {
        verdicts = context_.store.Claim(requests, now, context_.options.lease);
        context_.ledger.store.Succeeded();
    } catch (const std::exception& e) {
        // Nothing was claimed: give the messages back and wait before taking more.
        std::vector<std::uint64_t> tags;
        for (const auto& d : deliveries) {
            tags.push_back(d.tag);
        }
        context_.queue.Requeue(tags);
        context_.ledger.held -= deliveries.size();
        const auto wait = context_.ledger.store.Failed(now, context_.random.Unit());
        Log(LogLevel::kWarn, "consumer", "cannot claim rows; messages requeued",
            {{"error", e.what()}, {"retry_in_ms", wait.count()}});
        return;
    }
    Admit(std::move(deliveries), std::move(requests), std::move(verdicts));
}

std::optional<std::vector<std::optional<std::string>>> DeliveryClaimer::AlreadySent(
    const std::vector<std::string>& keys) {
    try {
        return context_.markers.Find(keys);
    } catch (const std::exception& e) {
        Log(LogLevel::kWarn, "consumer", "sent markers unavailable; relying on the outbox status alone",
            {{"error", e.what()}});
        return std::nullopt;
    }
}

void DeliveryClaimer::Admit(std::vector<Delivery> deliveries, std::vector<ClaimRequest> requests,
                            std::vector<ClaimVerdict> verdicts) {
    std::vector<std::size_t> deliver;
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
        auto& v = verdicts[i];
        switch (v.kind) {
            case ClaimVerdict::Kind::kDeliver:
                deliver.push_back(i);
                keys.push_back(v.message.idempotency_key);
                continue;
            case ClaimVerdict::Kind::kDone:
            case ClaimVerdict::Kind::kBusy:
                ++context_.ledger.stats.deduplicated;
                ProcessMetrics().messages_deduplicated.With({requests[i].kind}).Inc();
                break;
            case ClaimVerdict::Kind::kPaused: ++context_.ledger.stats.paused; break;
            case ClaimVerdict::Kind::kCancelled: ++context_.ledger.stats.cancelled; break;
            case ClaimVerdict::Kind::kInvalid:
                ++context_.ledger.stats.invalid;
                context_.queue.DeadLetter(deliveries[i].body, v.reason);
                Log(LogLevel::kWarn, "consumer", "dead-lettered a message that matches no outbox row",
                    {{"outbox_id", requests[i].outbox_id}, {"reason", v.reason}});
                break;
        }
        context_.ledger.Acknowledge(deliveries[i].tag);
    }
    const auto already_sent = AlreadySent(keys);
    const auto now = context_.clock.Now();
    for (std::size_t j = 0; j < deliver.size(); ++j) {
        auto& v = verdicts[deliver[j]];
        const auto tag = deliveries[deliver[j]].tag;
        if (v.taken_over && !already_sent) {
            // Only the marker can tell whether the earlier holder's send was accepted. Leave the row 'sending' (our
            // claim renewed its lease and its token keeps it marked) and drop this copy: the poller republishes it
            // after the lease, to be checked again once Redis answers.
            context_.ledger.Acknowledge(tag);
            ++context_.ledger.stats.deferred;
            continue;
        }
        if (already_sent && (*already_sent)[j]) {
            // The provider accepted it before (the row write was lost): record it, do not send it again.
            ++context_.ledger.stats.deduplicated;
            ProcessMetrics().messages_deduplicated.With({std::string(domain::ToString(v.message.kind))}).Inc();
            auto outcome =
                domain::DecideOutcome(v.message.outbox_id, v.message.campaign_id, domain::Sent(*(*already_sent)[j]),
                                      v.attempts, context_.options.retry, now, 0);
            writer_.Finish(tag, v.claim_token, std::move(outcome), std::move(v.message), false);
            continue;
        }
        // The consume span continues the poller's publish span (message header), else the row's own trace.
        const auto& header = deliveries[deliver[j]].traceparent;
        auto span = ProcessTracer().Start("consume", domain::SpanKind::kConsumer,
                                          domain::IsValidTraceparent(header) ? header : v.message.traceparent);
        dispatcher_.Enqueue({tag, v.claim_token, std::move(v.message), v.attempts, now, std::move(span)});
    }
}

}  // namespace bulkmsg::app
