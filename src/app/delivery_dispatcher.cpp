#include "app/delivery_dispatcher.hpp"

#include <algorithm>
#include <memory>

#include "app/tracing/tracer.hpp"
#include "domain/quiet_hours.hpp"

namespace bulkmsg::app {

namespace {

constexpr std::chrono::milliseconds kHoldRefresh{100};
constexpr std::chrono::milliseconds kMaxTokenWait{50};
constexpr std::chrono::milliseconds kLimiterRetry{500};

}  // namespace

DeliveryDispatcher::DeliveryDispatcher(const DeliveryContext& context, RateLimiter& limiter, ProviderRouter& providers,
                                       OutcomeWriter& writer)
    : context_(context), limiter_(limiter), providers_(providers), writer_(writer) {}

void DeliveryDispatcher::Enqueue(ClaimedMessage message) {
    const auto channel = message.message.kind;
    waiting_[channel].push_back(std::move(message));
}

bool DeliveryDispatcher::HasWaiting() const {
    return std::any_of(waiting_.begin(), waiting_.end(), [](const auto& w) { return !w.second.empty(); });
}

std::vector<ClaimedMessage> DeliveryDispatcher::TakeWaiting() {
    std::vector<ClaimedMessage> taken;
    for (auto& [channel, waiting] : waiting_) {
        std::move(waiting.begin(), waiting.end(), std::back_inserter(taken));
        waiting.clear();
    }
    return taken;
}

bool DeliveryDispatcher::ProviderHeld(const std::string& provider, domain::TimePoint now) {
    auto& checked = hold_checked_[provider];
    if (now - checked >= kHoldRefresh) {
        checked = now;
        try {
            if (auto until = limiter_.HeldUntil(provider, now)) {
                held_until_[provider] = *until;
            }
        } catch (const std::exception&) {
            // The shared hold is an optimisation; this worker's own hold still applies.
        }
    }
    const auto it = held_until_.find(provider);
    return it != held_until_.end() && now < it->second;
}

bool DeliveryDispatcher::Dispatch(bool stopping) {
    bool progressed = false;
    for (auto& [channel, waiting] : waiting_) {
        progressed = DispatchChannel(channel, waiting, stopping) || progressed;
    }
    return progressed;
}

bool DeliveryDispatcher::DeferQuietHours(ClaimedMessage& item, domain::TimePoint now) {
    const auto release = domain::OutsideQuietHours(now, item.message.payload);
    if (release <= now) {
        return false;
    }
    ++context_.ledger.stats.deferred;
    const auto wait = std::chrono::ceil<std::chrono::seconds>(release - now);
    auto outcome = domain::DecideOutcome(item.message.outbox_id, item.message.campaign_id,
                                         domain::RateLimited("deferred: recipient's quiet hours", wait), item.attempts,
                                         context_.options.retry, now, 0);
    outcome.available_at = release;
    writer_.Finish(item.tag, item.claim_token, std::move(outcome), std::move(item.message), false);
    return true;
}

bool DeliveryDispatcher::DeferOverdue(std::deque<ClaimedMessage>& waiting, domain::TimePoint now) {
    // Never later than half the lease: past the lease the poller republishes the row and another consumer could
    // claim and send it while this one still holds it.
    const auto max_wait =
        std::min<domain::Clock::duration>(context_.options.max_wait_for_rate, context_.options.lease / 2);
    bool deferred = false;
    while (!waiting.empty() && now - waiting.front().since >= max_wait) {
        auto item = std::move(waiting.front());
        waiting.pop_front();
        ++context_.ledger.stats.deferred;
        auto outcome =
            domain::DecideOutcome(item.message.outbox_id, item.message.campaign_id,
                                  domain::RateLimited("deferred: waited for the rate limit", std::chrono::seconds(1)),
                                  item.attempts, context_.options.retry, now, 0);
        writer_.Finish(item.tag, item.claim_token, std::move(outcome), std::move(item.message), false);
        deferred = true;
    }
    return deferred;
}

std::size_t DeliveryDispatcher::Tokens(domain::Channel channel, std::size_t wanted, domain::TimePoint now) {
    const auto rate =
        context_.options.rate_per_second.contains(channel) ? context_.options.rate_per_second.at(channel) : 0.0;
    if (rate <= 0) {
        return wanted;
    }
    // While Redis is down, asking again at the token pace would be hundreds of failed connects a second.
    auto wait = kLimiterRetry;
    std::size_t allowed = 0;
    try {
        allowed = limiter_.Acquire(std::string(domain::ToString(channel)), rate, wanted, now);
        wait = std::clamp(std::chrono::milliseconds(static_cast<std::int64_t>(1000.0 / rate)),
                          std::chrono::milliseconds(1), kMaxTokenWait);
    } catch (const std::exception& e) {
        if (std::uint64_t repeated = 0; limiter_warning_.Allow(now, repeated)) {
            Log(LogLevel::kWarn, "consumer", "rate limiter unavailable; holding back",
                {{"error", e.what()}, {"repeated", repeated}});
        }
    }
    if (allowed == 0) {
        ProcessMetrics().rate_limiter_waits.With({std::string(domain::ToString(channel))}).Inc();
        next_token_try_[channel] = now + wait;
    }
    return allowed;
}

bool DeliveryDispatcher::DispatchChannel(domain::Channel channel, std::deque<ClaimedMessage>& waiting, bool stopping) {
    const auto now = context_.clock.Now();
    // Messages that waited too long for a token or a held provider go back to the outbox for later.
    const bool progressed = DeferOverdue(waiting, now);
    if (waiting.empty() || stopping || in_flight_ >= context_.options.max_in_flight || now < next_token_try_[channel]) {
        return progressed;
    }
    const std::size_t allowed =
        Tokens(channel, std::min(waiting.size(), context_.options.max_in_flight - in_flight_), now);
    std::size_t sent = 0;
    while (sent < allowed && !waiting.empty()) {
        auto& provider = providers_.For(waiting.front().message);
        if (ProviderHeld(std::string(provider.Name()), now)) {
            break;  // unused tokens are lost; the hold is what the provider asked for
        }
        auto item = std::move(waiting.front());
        waiting.pop_front();
        if (!DeferQuietHours(item, now)) {
            Send(provider, std::move(item));
        }
        ++sent;
    }
    return progressed || sent > 0;
}

void DeliveryDispatcher::Send(MessageProvider& provider, ClaimedMessage message) {
    const std::string name(provider.Name());
    auto item = std::make_shared<ClaimedMessage>(std::move(message));
    // The provider request carries the provider call's span as its traceparent.
    auto call = std::make_shared<domain::Span>(
        ProcessTracer().Start("provider " + name, domain::SpanKind::kClient, item->span.Traceparent()));
    item->message.traceparent = call->Traceparent();
    ++in_flight_;
    in_flight_gauge_.Inc();
    provider.Send(item->message, [this, item, name, call](domain::SendResult result) {
        --in_flight_;
        in_flight_gauge_.Dec();
        EndProviderSpan(*call, name, result);
        OnResult(*item, name, std::move(result));
    });
}

void DeliveryDispatcher::EndProviderSpan(domain::Span& call, const std::string& provider,
                                         const domain::SendResult& result) {
    auto& tracer = ProcessTracer();
    if (!tracer.Recording()) {
        return;
    }
    call.attributes = {{"bulkmsg.provider", provider},
                       {"bulkmsg.outcome", std::string(domain::ToString(result.outcome))}};
    if (!result.provider_message_id.empty()) {
        call.attributes.emplace_back("bulkmsg.provider_message_id", result.provider_message_id);
    }
    call.error = result.outcome != domain::SendOutcome::kSent;
    call.status_message = call.error ? result.reason : "";
    tracer.End(call);
}

void DeliveryDispatcher::EndConsume(ClaimedMessage& item, const std::string& provider,
                                    const domain::DeliveryOutcome& outcome) {
    const auto trace_id = item.span.context.trace_id;
    const bool failed = outcome.status == domain::OutboxStatus::kFailed;
    const auto level = failed ? LogLevel::kWarn : LogLevel::kDebug;
    if (LogEnabled(level)) {
        Log(level, "consumer", "message " + std::string(domain::ToString(outcome.status)),
            {{"campaign_id", item.message.campaign_id},
             {"outbox_id", item.message.outbox_id},
             {"attempt", outcome.attempts},
             {"provider", provider},
             {"trace_id", trace_id},
             {"reason", outcome.last_error}});
    }
    auto& tracer = ProcessTracer();
    if (!tracer.Recording()) {
        return;
    }
    item.span.attributes = {{"messaging.system", "rabbitmq"},
                            {"bulkmsg.campaign_id", item.message.campaign_id},
                            {"bulkmsg.outbox_id", item.message.outbox_id},
                            {"bulkmsg.attempt", outcome.attempts},
                            {"bulkmsg.provider", provider},
                            {"bulkmsg.status", std::string(domain::ToString(outcome.status))}};
    item.span.error = failed;
    item.span.status_message = item.span.error ? outcome.last_error : "";
    tracer.End(item.span);
}

void DeliveryDispatcher::OnResult(ClaimedMessage& item, const std::string& provider, domain::SendResult result) {
    const auto now = context_.clock.Now();
    if (result.outcome == domain::SendOutcome::kRateLimited) {
        const auto until = now + std::max(result.retry_after, std::chrono::seconds(1));
        held_until_[provider] = std::max(held_until_[provider], until);
        ProcessMetrics().rate_limiter_holds.With({std::string(domain::ToString(item.message.kind))}).Inc();
        try {
            limiter_.Hold(provider, until);
        } catch (const std::exception&) {
            // Other consumers find out from their own 429s.
        }
    }
    if (result.outcome == domain::SendOutcome::kSent) {
        writer_.Accepted(item.message.idempotency_key, result.provider_message_id);
    }
    const bool suppress = result.suppress_recipient;
    auto outcome = domain::DecideOutcome(item.message.outbox_id, item.message.campaign_id, result, item.attempts,
                                         context_.options.retry, now, context_.random.Unit());
    if (outcome.status == domain::OutboxStatus::kRetrying) {
        // A retry five minutes on can fall past the end of the recipient's window: it waits for the next start.
        outcome.available_at = domain::OutsideQuietHours(outcome.available_at, item.message.payload);
    }
    auto& stats = context_.ledger.stats;
    switch (outcome.status) {
        case domain::OutboxStatus::kSent: ++stats.sent; break;
        case domain::OutboxStatus::kFailed: ++stats.failed; break;
        default: ++stats.retried; break;
    }
    EndConsume(item, provider, outcome);
    writer_.Finish(item.tag, item.claim_token, std::move(outcome), item.message, suppress);
}

}  // namespace bulkmsg::app
