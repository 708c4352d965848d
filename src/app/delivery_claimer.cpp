#include "app/delivery_claimer.hpp"

#include "app/log.hpp"
#include "app/metrics/metrics.hpp"
#include "app/tracing/tracer.hpp"
#include "domain/traceparent.hpp"

namespace bulkmsg::app {

namespace {

constexpr std::chrono::milliseconds kIdleReceiveWait{20};

}  // namespace

DeliveryClaimer::DeliveryClaimer(const DeliveryContext& context, DeliveryDispatcher& dispatcher, OutcomeWriter& writer)
    : context_(context), dispatcher_(dispatcher), writer_(writer) {}

std::vector<ReceivedItem> DeliveryClaimer::TakeReceived() {
    auto taken = std::move(received_);
    received_.clear();
    oldest_received_.reset();
    return taken;
}

void DeliveryClaimer::Receive(bool busy) {
    auto deliveries =
        context_.queue.Receive(context_.options.prefetch - context_.ledger.held,
                               busy || !received_.empty() ? std::chrono::milliseconds(0) : kIdleReceiveWait);
    if (!deliveries.empty() && received_.empty()) {
        oldest_received_ = context_.clock.Now();
    }
    for (auto& d : deliveries) {
        auto items = domain::DecodeQueueBody(d.body);
        context_.ledger.Hold(d.tag, items.size());
        context_.ledger.stats.received += items.size();
        for (auto& item : items) {
            // A batch item carries its own publish span; a single object has it in the header.
            auto trace = item.message && domain::IsValidTraceparent(item.message->traceparent)
                             ? item.message->traceparent
                             : d.traceparent;
            received_.push_back({d.tag, std::move(item), std::move(trace)});
        }
    }
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
    auto items = TakeReceived();
    std::vector<ClaimRequest> requests;
    requests.reserve(items.size());
    for (const auto& received : items) {
        const auto& m = received.item.message;
        // Outbox id 0 never exists: the store calls it invalid.
        requests.push_back(m ? ClaimRequest{m->outbox_id, m->idempotency_key, m->kind} : ClaimRequest{0, "", ""});
    }
    std::vector<ClaimVerdict> verdicts;
    try {
        verdicts = context_.store.Claim(requests, now, context_.options.lease);
        context_.ledger.store.Succeeded();
    } catch (const std::exception& e) {
        // Nothing was claimed: give the messages back and wait before taking more.
        for (const auto& received : items) {
            context_.ledger.GiveBack(received.tag);
        }
        const auto wait = context_.ledger.store.Failed(now, context_.random.Unit());
        Log(LogLevel::kWarn, "consumer", "cannot claim rows; messages requeued",
            {{"error", e.what()}, {"retry_in_ms", wait.count()}});
        return;
    }
    Admit(std::move(items), std::move(requests), std::move(verdicts));
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

void DeliveryClaimer::Settle(const ReceivedItem& item, const ClaimRequest& request, const ClaimVerdict& verdict) {
    switch (verdict.kind) {
        case ClaimVerdict::Kind::kDeliver: return;
        case ClaimVerdict::Kind::kDone:
        case ClaimVerdict::Kind::kBusy:
            ++context_.ledger.stats.deduplicated;
            ProcessMetrics().messages_deduplicated.With({request.kind}).Inc();
            break;
        case ClaimVerdict::Kind::kPaused: ++context_.ledger.stats.paused; break;
        case ClaimVerdict::Kind::kCancelled: ++context_.ledger.stats.cancelled; break;
        case ClaimVerdict::Kind::kInvalid: {
            // The decoder's reason names the bad item and field; the store's says what matched no row.
            const auto& reason = item.item.error.empty() ? verdict.reason : item.item.error;
            ++context_.ledger.stats.invalid;
            context_.queue.DeadLetter(domain::QueueItemBody(item.item), reason);
            Log(LogLevel::kWarn, "consumer", "dead-lettered a message that matches no outbox row",
                {{"outbox_id", request.outbox_id}, {"reason", reason}});
            break;
        }
    }
    context_.ledger.Acknowledge(item.tag);
}

void DeliveryClaimer::Admit(std::vector<ReceivedItem> items, std::vector<ClaimRequest> requests,
                            std::vector<ClaimVerdict> verdicts) {
    std::vector<std::size_t> deliver;
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
        if (verdicts[i].kind == ClaimVerdict::Kind::kDeliver) {
            deliver.push_back(i);
            keys.push_back(verdicts[i].message.idempotency_key);
        } else {
            Settle(items[i], requests[i], verdicts[i]);
        }
    }
    const auto already_sent = AlreadySent(keys);
    const auto now = context_.clock.Now();
    for (std::size_t j = 0; j < deliver.size(); ++j) {
        auto& v = verdicts[deliver[j]];
        const auto tag = items[deliver[j]].tag;
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
        // The consume span continues the poller's publish span (the item's, else the header's), else the row's trace.
        const auto& published = items[deliver[j]].traceparent;
        auto span = ProcessTracer().Start("consume", domain::SpanKind::kConsumer,
                                          domain::IsValidTraceparent(published) ? published : v.message.traceparent);
        dispatcher_.Enqueue({tag, v.claim_token, std::move(v.message), v.attempts, now, std::move(span)});
    }
}

}  // namespace bulkmsg::app
