#include "app/delivery_worker.hpp"

#include <iterator>
#include <set>

#include "app/log.hpp"
#include "app/metrics/metrics.hpp"
#include "domain/backoff.hpp"
#include "domain/queue_message.hpp"
#include "domain/traceparent.hpp"

namespace bulkmsg::app {

namespace {

constexpr std::chrono::milliseconds kIdleReceiveWait{20};
constexpr std::chrono::milliseconds kHoldRefresh{100};
constexpr std::chrono::milliseconds kMaxTokenWait{50};
constexpr std::chrono::milliseconds kLimiterRetry{500};

std::string QueueBody(const domain::OutboundMessage& m) {
    return domain::EncodeQueueMessage(
        {m.outbox_id, m.idempotency_key, m.campaign_id, m.user_ref, std::string(domain::ToString(m.kind))});
}

}  // namespace

DeliveryWorker::DeliveryWorker(DeliveryWorkerOptions options, DeliveryQueue& queue, DeliveryStore& store,
                               SentMarkers& markers, RateLimiter& limiter, ProviderRouter& providers,
                               HttpTransport& transport, Clock& clock, RandomSource& random, ProgressCache* progress)
    : options_(std::move(options)),
      queue_(queue),
      store_(store),
      markers_(markers),
      limiter_(limiter),
      providers_(providers),
      transport_(transport),
      clock_(clock),
      random_(random),
      progress_(progress) {}

bool DeliveryWorker::Busy() const {
    return in_flight_ > 0 || !finished_.empty() || !received_.empty() ||
           std::any_of(waiting_.begin(), waiting_.end(), [](const auto& w) { return !w.second.empty(); });
}

bool DeliveryWorker::Step() {
    bool progressed = ReceiveAndClaim();
    progressed = Dispatch() || progressed;
    if (in_flight_ > 0) {
        transport_.Poll(progressed ? std::chrono::milliseconds(0) : std::chrono::milliseconds(1));
    }
    MarkSent();
    progressed = FlushIfDue(false) || progressed;
    SendAcks();
    return progressed;
}

void DeliveryWorker::Run(StopToken& stop, std::chrono::milliseconds drain_timeout) {
    while (!stop.StopRequested()) {
        Step();
    }
    Drain(drain_timeout);
}

bool DeliveryWorker::ReceiveAndClaim() {
    const auto now = clock_.Now();
    if (now < retry_store_at_) {
        return false;
    }
    bool received = false;
    if (!stopping_ && held_ < options_.prefetch) {
        auto deliveries = queue_.Receive(
            options_.prefetch - held_, Busy() || !received_.empty() ? std::chrono::milliseconds(0) : kIdleReceiveWait);
        received = !deliveries.empty();
        held_ += deliveries.size();
        stats_.received += deliveries.size();
        if (received && received_.empty()) {
            oldest_received_ = clock_.Now();
        }
        std::move(deliveries.begin(), deliveries.end(), std::back_inserter(received_));
    }
    const bool due =
        !received_.empty() && (stopping_ || received_.size() >= options_.claim_rows || held_ >= options_.prefetch ||
                               clock_.Now() - *oldest_received_ >= options_.claim_interval);
    if (due) {
        ClaimReceived(clock_.Now());
    }
    return received || due;
}

void DeliveryWorker::ClaimReceived(domain::TimePoint now) {
    auto deliveries = std::move(received_);
    received_.clear();
    oldest_received_.reset();
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
        verdicts = store_.Claim(requests, now, options_.lease);
        store_failures_ = 0;
    } catch (const std::exception& e) {
        // Nothing was claimed: give the messages back and wait before taking more.
        std::vector<std::uint64_t> tags;
        for (const auto& d : deliveries) {
            tags.push_back(d.tag);
        }
        queue_.Requeue(tags);
        held_ -= deliveries.size();
        const auto wait = domain::ReconnectDelay(++store_failures_, random_.Unit());
        retry_store_at_ = now + wait;
        Log(LogLevel::kWarn, "consumer", "cannot claim rows; messages requeued",
            {{"error", e.what()}, {"retry_in_ms", wait.count()}});
        return;
    }
    Admit(std::move(deliveries), std::move(requests), std::move(verdicts));
}

void DeliveryWorker::Admit(std::vector<Delivery> deliveries, std::vector<ClaimRequest> requests,
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
                ++stats_.deduplicated;
                ProcessMetrics().messages_deduplicated.With({requests[i].kind}).Inc();
                break;
            case ClaimVerdict::Kind::kPaused: ++stats_.paused; break;
            case ClaimVerdict::Kind::kCancelled: ++stats_.cancelled; break;
            case ClaimVerdict::Kind::kInvalid:
                ++stats_.invalid;
                queue_.DeadLetter(deliveries[i].body, v.reason);
                Log(LogLevel::kWarn, "consumer", "dead-lettered a message that matches no outbox row",
                    {{"outbox_id", requests[i].outbox_id}, {"reason", v.reason}});
                break;
        }
        acks_.push_back(deliveries[i].tag);
        --held_;
    }
    std::vector<std::optional<std::string>> already_sent(keys.size());
    bool markers_read = true;
    try {
        already_sent = markers_.Find(keys);
    } catch (const std::exception& e) {
        markers_read = false;
        Log(LogLevel::kWarn, "consumer", "sent markers unavailable; relying on the outbox status alone",
            {{"error", e.what()}});
    }
    const auto now = clock_.Now();
    for (std::size_t j = 0; j < deliver.size(); ++j) {
        auto& v = verdicts[deliver[j]];
        const auto tag = deliveries[deliver[j]].tag;
        if (v.taken_over && !markers_read) {
            // Only the marker can tell whether the earlier holder's send was accepted. Leave the row 'sending' (our
            // claim renewed its lease and its token keeps it marked) and drop this copy: the poller republishes it
            // after the lease, to be checked again once Redis answers.
            acks_.push_back(tag);
            --held_;
            ++stats_.deferred;
            continue;
        }
        if (already_sent[j]) {
            // The provider accepted it before (the row write was lost): record it, do not send it again.
            ++stats_.deduplicated;
            ProcessMetrics().messages_deduplicated.With({std::string(domain::ToString(v.message.kind))}).Inc();
            auto outcome = domain::DecideOutcome(v.message.outbox_id, v.message.campaign_id,
                                                 domain::Sent(*already_sent[j]), v.attempts, options_.retry, now, 0);
            Finish(tag, v.claim_token, std::move(outcome), std::move(v.message), false);
            continue;
        }
        const auto channel = v.message.kind;
        // The consume span continues the poller's publish span (message header), else the row's own trace.
        const auto& header = deliveries[deliver[j]].traceparent;
        auto span = ProcessTracer().Start("consume", domain::SpanKind::kConsumer,
                                          domain::IsValidTraceparent(header) ? header : v.message.traceparent);
        waiting_[channel].push_back({tag, v.claim_token, std::move(v.message), v.attempts, now, std::move(span)});
    }
}

bool DeliveryWorker::ProviderHeld(const std::string& provider, domain::TimePoint now) {
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

bool DeliveryWorker::Dispatch() {
    bool progressed = false;
    for (auto& [channel, waiting] : waiting_) {
        progressed = DispatchChannel(channel, waiting) || progressed;
    }
    return progressed;
}

bool DeliveryWorker::DispatchChannel(domain::Channel channel, std::deque<Waiting>& waiting) {
    const auto now = clock_.Now();
    bool progressed = false;
    // Messages that waited too long for a token or a held provider go back to the outbox for later.
    // Never later than half the lease: past the lease the poller republishes the row and another consumer could
    // claim and send it while this one still holds it.
    const auto max_wait = std::min<domain::Clock::duration>(options_.max_wait_for_rate, options_.lease / 2);
    while (!waiting.empty() && now - waiting.front().since >= max_wait) {
        auto item = std::move(waiting.front());
        waiting.pop_front();
        ++stats_.deferred;
        auto outcome =
            domain::DecideOutcome(item.message.outbox_id, item.message.campaign_id,
                                  domain::RateLimited("deferred: waited for the rate limit", std::chrono::seconds(1)),
                                  item.attempts, options_.retry, now, 0);
        Finish(item.tag, item.claim_token, std::move(outcome), std::move(item.message), false);
        progressed = true;
    }
    if (waiting.empty() || stopping_ || in_flight_ >= options_.max_in_flight || now < next_token_try_[channel]) {
        return progressed;
    }
    std::size_t allowed = std::min(waiting.size(), options_.max_in_flight - in_flight_);
    const auto rate = options_.rate_per_second.contains(channel) ? options_.rate_per_second.at(channel) : 0.0;
    if (rate > 0) {
        // While Redis is down, asking again at the token pace would be hundreds of failed connects a second.
        auto wait = kLimiterRetry;
        try {
            allowed = limiter_.Acquire(std::string(domain::ToString(channel)), rate, allowed, now);
            wait = std::clamp(std::chrono::milliseconds(static_cast<std::int64_t>(1000.0 / rate)),
                              std::chrono::milliseconds(1), kMaxTokenWait);
        } catch (const std::exception& e) {
            if (std::uint64_t repeated = 0; limiter_warning_.Allow(now, repeated)) {
                Log(LogLevel::kWarn, "consumer", "rate limiter unavailable; holding back",
                    {{"error", e.what()}, {"repeated", repeated}});
            }
            allowed = 0;
        }
        if (allowed == 0) {
            ProcessMetrics().rate_limiter_waits.With({std::string(domain::ToString(channel))}).Inc();
            next_token_try_[channel] = now + wait;
            return progressed;
        }
    }
    std::size_t sent = 0;
    while (sent < allowed && !waiting.empty()) {
        auto& provider = providers_.For(waiting.front().message);
        const std::string name(provider.Name());
        if (ProviderHeld(name, now)) {
            break;  // unused tokens are lost; the hold is what the provider asked for
        }
        auto item = std::make_shared<Waiting>(std::move(waiting.front()));
        waiting.pop_front();
        // The provider request carries the provider call's span as its traceparent.
        auto call = std::make_shared<domain::Span>(
            ProcessTracer().Start("provider " + name, domain::SpanKind::kClient, item->span.Traceparent()));
        item->message.traceparent = call->Traceparent();
        ++in_flight_;
        in_flight_gauge_.Inc();
        ++sent;
        provider.Send(item->message, [this, item, name, call](domain::SendResult result) {
            --in_flight_;
            in_flight_gauge_.Dec();
            EndProviderSpan(*call, name, result);
            OnResult(*item, name, std::move(result));
        });
    }
    return progressed || sent > 0;
}

void DeliveryWorker::EndProviderSpan(domain::Span& call, const std::string& provider,
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

void DeliveryWorker::EndConsume(Waiting& item, const std::string& provider, const domain::DeliveryOutcome& outcome) {
    const auto trace_id = item.span.context.trace_id;
    const auto level = outcome.status == "failed" ? LogLevel::kWarn : LogLevel::kDebug;
    if (LogEnabled(level)) {
        Log(level, "consumer", "message " + outcome.status,
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
                            {"bulkmsg.status", outcome.status}};
    item.span.error = outcome.status == "failed";
    item.span.status_message = item.span.error ? outcome.last_error : "";
    tracer.End(item.span);
}

void DeliveryWorker::OnResult(Waiting& item, const std::string& provider, domain::SendResult result) {
    const auto now = clock_.Now();
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
        unmarked_.emplace_back(item.message.idempotency_key, result.provider_message_id);
    }
    const bool suppress = result.suppress_recipient;
    auto outcome = domain::DecideOutcome(item.message.outbox_id, item.message.campaign_id, result, item.attempts,
                                         options_.retry, now, random_.Unit());
    (outcome.status == "sent" ? stats_.sent : outcome.status == "failed" ? stats_.failed : stats_.retried)++;
    EndConsume(item, provider, outcome);
    Finish(item.tag, item.claim_token, std::move(outcome), item.message, suppress);
}

void DeliveryWorker::Finish(std::uint64_t tag, std::uint64_t claim_token, domain::DeliveryOutcome outcome,
                            domain::OutboundMessage message, bool suppress) {
    outcome.claim_token = claim_token;
    if (finished_.empty()) {
        oldest_finished_ = clock_.Now();
    }
    finished_.push_back({tag, std::move(outcome), std::move(message), suppress});
}

void DeliveryWorker::CountStored() {
    auto& metrics = ProcessMetrics();
    for (const auto& f : finished_) {
        const auto& status = f.outcome.status;
        auto& family = status == "sent"     ? metrics.messages_sent
                       : status == "failed" ? metrics.messages_failed
                                            : metrics.messages_retried;
        family.With({std::string(domain::ToString(f.message.kind)), std::string(providers_.For(f.message).Name())})
            .Inc();
    }
}

bool DeliveryWorker::FlushIfDue(bool force) {
    const auto now = clock_.Now();
    if (finished_.empty() || now < retry_store_at_ ||
        (!force && finished_.size() < options_.flush_rows && now - *oldest_finished_ < options_.flush_interval)) {
        return false;
    }
    std::vector<domain::DeliveryOutcome> outcomes;
    std::vector<domain::OutboundMessage> suppress;
    for (const auto& f : finished_) {
        outcomes.push_back(f.outcome);
        if (f.suppress) {
            suppress.push_back(f.message);
        }
    }
    try {
        store_.Record(outcomes, suppress, now);
        store_failures_ = 0;
    } catch (const std::exception& e) {
        ++stats_.write_failures;
        const auto wait = domain::ReconnectDelay(++store_failures_, random_.Unit());
        retry_store_at_ = now + wait;
        Log(LogLevel::kWarn, "consumer", "cannot store outcomes; keeping them and their messages unacknowledged",
            {{"error", e.what()}, {"outcomes", outcomes.size()}, {"retry_in_ms", wait.count()}});
        return false;
    }
    CountStored();
    std::set<std::uint64_t> campaigns;
    for (auto& f : finished_) {
        if (f.outcome.dead_letter) {
            try {
                queue_.DeadLetter(QueueBody(f.message), f.outcome.last_error);
            } catch (const std::exception& e) {
                Log(LogLevel::kWarn, "consumer", "cannot publish to the dead-letter queue; the row keeps the reason",
                    {{"outbox_id", f.message.outbox_id}, {"error", e.what()}});
            }
        }
        campaigns.insert(f.message.campaign_id);
        acks_.push_back(f.tag);
        --held_;
    }
    finished_.clear();
    oldest_finished_.reset();
    if (progress_ != nullptr) {
        for (auto id : campaigns) {
            try {
                progress_->Forget(id);
            } catch (const std::exception&) {
                break;  // Redis down: the API counts in MySQL
            }
        }
    }
    return true;
}

void DeliveryWorker::MarkSent() {
    if (unmarked_.empty()) {
        return;
    }
    try {
        markers_.Mark(unmarked_);
    } catch (const std::exception& e) {
        Log(LogLevel::kWarn, "consumer", "cannot record sent markers; the outbox status alone guards these",
            {{"error", e.what()}, {"messages", unmarked_.size()}});
    }
    unmarked_.clear();
}

void DeliveryWorker::SendAcks() {
    if (!acks_.empty()) {
        queue_.Ack(std::move(acks_));
        acks_.clear();
    }
}

void DeliveryWorker::Drain(std::chrono::milliseconds timeout) {
    stopping_ = true;
    queue_.StopConsuming();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (in_flight_ > 0 && std::chrono::steady_clock::now() < deadline) {
        transport_.Poll(std::chrono::milliseconds(10));
    }
    MarkSent();
    std::vector<HeldRow> release;
    std::vector<std::uint64_t> tags;
    for (const auto& d : received_) {
        tags.push_back(d.tag);
    }
    received_.clear();
    for (auto& [channel, waiting] : waiting_) {
        for (auto& item : waiting) {
            release.push_back({item.message.outbox_id, item.claim_token});
            tags.push_back(item.tag);
        }
        waiting.clear();
    }
    if (!release.empty()) {
        try {
            store_.Release(release);
        } catch (const std::exception& e) {
            Log(LogLevel::kWarn, "consumer", "cannot release claimed rows; the lease frees them",
                {{"rows", release.size()}, {"error", e.what()}});
        }
    }
    if (!tags.empty()) {
        queue_.Requeue(tags);
        held_ -= tags.size();
    }
    while (!finished_.empty() && std::chrono::steady_clock::now() < deadline) {
        retry_store_at_ = {};
        if (!FlushIfDue(true)) {
            StopToken never;
            clock_.SleepFor(std::chrono::milliseconds(200), never);
        }
    }
    SendAcks();
    if (in_flight_ > 0 || !finished_.empty()) {
        Log(LogLevel::kWarn, "consumer", "stopped with work unfinished; the lease and redelivery recover it",
            {{"in_flight", in_flight_}, {"unwritten", finished_.size()}});
    }
}

}  // namespace bulkmsg::app
