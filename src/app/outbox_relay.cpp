#include "app/outbox_relay.hpp"

#include "app/log.hpp"
#include "domain/backoff.hpp"
#include "domain/queue_message.hpp"
#include "domain/traceparent.hpp"

namespace bulkmsg::app {

OutboxRelay::OutboxRelay(OutboxStore& store, MessagePublisher& publisher, Clock& clock, RandomSource& random,
                         RelayOptions options, RelayStats& stats)
    : store_(store), publisher_(publisher), clock_(clock), random_(random), options_(options), stats_(stats) {}

namespace {

OutgoingMessage ToMessage(const domain::OutboxRow& row, RandomSource& random) {
    domain::QueueMessage body{row.id, row.idempotency_key, row.campaign_id, row.user_ref, row.kind};
    std::string traceparent =
        domain::IsValidTraceparent(row.traceparent) ? row.traceparent : domain::MakeTraceparent(random.Bytes24());
    return {domain::EncodeQueueMessage(body), row.idempotency_key, row.attempts + 1, std::move(traceparent)};
}

}  // namespace

std::size_t OutboxRelay::RelayBatch(domain::ClaimKind kind) {
    auto claim = store_.Claim(kind, clock_.Now(), options_.lease, options_.batch_size);
    const auto& rows = claim->Rows();
    if (rows.empty()) {
        return 0;
    }
    std::vector<OutgoingMessage> messages;
    messages.reserve(rows.size());
    for (const auto& row : rows) {
        messages.push_back(ToMessage(row, random_));
    }
    const auto publish_start = std::chrono::steady_clock::now();
    const auto acked = publisher_.PublishConfirmed(messages);
    stats_.confirm_wait_us_total += static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - publish_start)
            .count());

    std::vector<std::uint64_t> confirmed;
    confirmed.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (acked.at(i)) {
            confirmed.push_back(rows[i].id);
        }
    }
    claim->CommitQueued(confirmed, clock_.Now());

    stats_.batches++;
    stats_.claimed += rows.size();
    stats_.published += confirmed.size();
    stats_.nacked += rows.size() - confirmed.size();
    stats_.last_batch_size = rows.size();
    if (kind == domain::ClaimKind::kStaleQueued) {
        stats_.republished_stale += confirmed.size();
    }
    if (confirmed.size() < rows.size()) {
        Log(LogLevel::kWarn, "poller", "broker did not confirm some messages; their rows stay unqueued",
            {{"claimed", rows.size()}, {"confirmed", confirmed.size()}});
    }
    return rows.size();
}

bool OutboxRelay::PollOnce() {
    bool more = false;
    for (auto kind : {domain::ClaimKind::kPending, domain::ClaimKind::kDueRetry, domain::ClaimKind::kStaleQueued}) {
        more = RelayBatch(kind) >= options_.batch_size || more;
    }
    return more;
}

void OutboxRelay::Run(StopToken& stop) {
    unsigned failures = 0;
    while (!stop.StopRequested()) {
        try {
            const bool more = PollOnce();
            if (failures > 0) {
                Log(LogLevel::kInfo, "poller", "recovered", {{"after_failures", failures}});
            }
            failures = 0;
            stats_.healthy = true;
            if (!more) {
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
