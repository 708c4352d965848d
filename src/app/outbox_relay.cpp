#include "app/outbox_relay.hpp"

#include <deque>

#include "app/log.hpp"
#include "app/metrics/metrics.hpp"
#include "app/tracing/tracer.hpp"
#include "domain/backoff.hpp"
#include "domain/traceparent.hpp"

namespace bulkmsg::app {

OutboxRelay::OutboxRelay(OutboxStore& store, MessagePublisher& publisher, Clock& clock, RandomSource& random,
                         RelayOptions options, RelayStats& stats)
    : store_(store), publisher_(publisher), clock_(clock), random_(random), options_(options), stats_(stats) {}

namespace {

std::string_view KindLabel(domain::ClaimKind kind) {
    switch (kind) {
        case domain::ClaimKind::kPending: return "pending";
        case domain::ClaimKind::kDueRetry: return "retry";
        case domain::ClaimKind::kStaleQueued: return "stale_queued";
        case domain::ClaimKind::kStaleSending: return "stale_sending";
    }
    return "unknown";
}

}  // namespace

struct OutboxRelay::InFlight {
    std::unique_ptr<OutboxClaim> claim;
    PublishTicket ticket;
    std::chrono::steady_clock::time_point published_at;
    std::vector<domain::Span> spans;                     // one publish span per row, ended when the confirms are in
    std::vector<std::vector<std::size_t>> message_rows;  // by published message, in publish order: its rows
};

OutboxRelay::Result OutboxRelay::Relay(domain::ClaimKind kind, std::size_t max_batches, const StopToken* stop) {
    Result result;
    std::deque<InFlight> in_flight;  // destroying it rolls back every claim not yet committed
    std::size_t batches = 0;
    bool claiming = true;
    while (true) {
        while (claiming && batches < max_batches && in_flight.size() < options_.pipeline_depth &&
               !(stop && stop->StopRequested())) {
            auto claim = store_.Claim(kind, clock_.Now(), options_.lease, options_.batch_size);
            ++batches;
            const auto& rows = claim->Rows();
            result.claimed += rows.size();
            result.last_batch_full = rows.size() >= options_.batch_size;
            claiming = result.last_batch_full;
            if (rows.empty()) {
                break;
            }
            // Each row's message carries its publish span (a PRODUCER span continuing the row's trace, or starting one
            // when the row has none), so the consumer's span becomes its child.
            std::vector<domain::Span> spans;
            spans.reserve(rows.size());
            for (const auto& row : rows) {
                spans.push_back(ProcessTracer().Start("publish", domain::SpanKind::kProducer, row.traceparent));
            }
            std::vector<OutgoingMessage> messages;
            std::vector<std::vector<std::size_t>> message_rows;
            messages.reserve(rows.size() / std::max<std::size_t>(options_.queue_batch_size, 1) + 1);
            for (auto& batch : BatchRows(rows, spans, options_.queue_batch_size)) {
                messages.push_back(std::move(batch.message));
                message_rows.push_back(std::move(batch.rows));
            }
            const auto ticket = publisher_.Publish(messages);
            in_flight.push_back({std::move(claim), ticket, std::chrono::steady_clock::now(), std::move(spans),
                                 std::move(message_rows)});
        }
        if (in_flight.empty()) {
            return result;
        }
        Finish(kind, in_flight.front());
        in_flight.pop_front();
    }
}

void OutboxRelay::EndSpans(InFlight& batch, const std::vector<bool>& acked) const {
    auto& tracer = ProcessTracer();
    if (!tracer.Recording()) {
        return;
    }
    const auto& rows = batch.claim->Rows();
    for (std::size_t i = 0; i < batch.spans.size(); ++i) {
        auto& span = batch.spans[i];
        span.attributes = {{"messaging.system", "rabbitmq"},
                           {"bulkmsg.outbox_id", rows[i].id},
                           {"bulkmsg.campaign_id", rows[i].campaign_id},
                           {"bulkmsg.attempt", rows[i].attempts + 1}};
        span.error = !acked.at(i);
        span.status_message = span.error ? "not confirmed by the broker" : "";
        tracer.End(span);
    }
}

// Collects the confirms of the oldest batch in flight and marks its confirmed rows queued.
void OutboxRelay::Finish(domain::ClaimKind kind, InFlight& batch) {
    const auto message_acked = publisher_.AwaitConfirms(batch.ticket);
    const auto confirm_wait = std::chrono::steady_clock::now() - batch.published_at;
    stats_.confirm_wait_us_total +=
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(confirm_wait).count());
    const auto& rows = batch.claim->Rows();
    // A row is confirmed with the message that carried it: a nacked or unconfirmed message leaves all its rows.
    std::vector<bool> acked(rows.size(), false);
    for (std::size_t m = 0; m < batch.message_rows.size(); ++m) {
        for (const auto row : batch.message_rows[m]) {
            acked[row] = message_acked.at(m);
        }
    }
    std::vector<std::uint64_t> confirmed;
    confirmed.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (acked[i]) {
            confirmed.push_back(rows[i].id);
        }
    }
    batch.claim->CommitQueued(confirmed, clock_.Now());
    EndSpans(batch, acked);

    stats_.batches++;
    stats_.claimed += rows.size();
    stats_.published += confirmed.size();
    stats_.nacked += rows.size() - confirmed.size();
    stats_.last_batch_size = rows.size();
    if (kind == domain::ClaimKind::kStaleQueued || kind == domain::ClaimKind::kStaleSending) {
        stats_.republished_stale += confirmed.size();
    }
    auto& metrics = ProcessMetrics();
    const std::string label(KindLabel(kind));
    metrics.poller_batches.With({label}).Inc();
    metrics.poller_rows_published.With({label}).Inc(static_cast<double>(confirmed.size()));
    metrics.poller_rows_nacked.With({label}).Inc(static_cast<double>(rows.size() - confirmed.size()));
    metrics.poller_confirm_seconds.With({}).Observe(std::chrono::duration<double>(confirm_wait).count());
    if (confirmed.size() < rows.size()) {
        Log(LogLevel::kWarn, "poller", "broker did not confirm some messages; their rows stay unqueued",
            {{"claimed", rows.size()}, {"confirmed", confirmed.size()}});
    }
}

bool OutboxRelay::PollOnce(const StopToken* stop) {
    bool more = false;
    for (auto kind : {domain::ClaimKind::kPending, domain::ClaimKind::kDueRetry, domain::ClaimKind::kStaleQueued,
                      domain::ClaimKind::kStaleSending}) {
        more = Relay(kind, options_.drain ? options_.batches_per_poll : 1, stop).last_batch_full || more;
    }
    return more;
}

void OutboxRelay::Run(StopToken& stop) {
    unsigned failures = 0;
    while (!stop.StopRequested()) {
        try {
            const bool more = PollOnce(&stop);
            if (failures > 0) {
                Log(LogLevel::kInfo, "poller", "recovered", {{"after_failures", failures}});
            }
            failures = 0;
            stats_.healthy = true;
            if (!more || !options_.drain) {
                clock_.SleepFor(options_.poll_interval, stop);
            }
        } catch (const std::exception& e) {
            ++failures;
            stats_.errors++;
            stats_.healthy = false;
            const auto delay = domain::ReconnectDelay(failures, random_.Unit());
            Log(LogLevel::kError, "poller", "poll failed; retrying",
                {{"error", e.what()}, {"failures", failures}, {"retry_in_ms", delay.count()}});
            clock_.SleepFor(delay, stop);
        }
    }
}

}  // namespace bulkmsg::app
