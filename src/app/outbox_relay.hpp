#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "app/clock.hpp"
#include "app/message_publisher.hpp"
#include "app/outbox_store.hpp"
#include "app/random_source.hpp"
#include "app/row_batches.hpp"
#include "app/stop_token.hpp"

namespace bulkmsg::app {

struct RelayOptions {
    std::size_t batch_size = 1000;
    std::chrono::seconds lease{900};
    std::chrono::milliseconds poll_interval{5000};
    /// Batches published and awaiting confirms at once. The broker confirms persistent messages after a
    /// disk sync, so waiting for one batch before claiming the next leaves both DB and broker idle.
    std::size_t pipeline_depth = 4;
    /// Batches of one kind per poll before the other kinds get their turn (so a large pending backlog
    /// does not hold due retries and stale rows back).
    std::size_t batches_per_poll = 32;
    /// false: one batch of each kind per poll and a sleep of poll_interval after every poll, as the original
    /// design did (for comparisons: the benchmark's baseline mode).
    bool drain = true;
    /// Rows of one campaign and channel per queue message (QUEUE_BATCH_SIZE; row_batches.hpp). 1, the original's one
    /// message per row, unless set (the configuration's default is 100).
    std::size_t queue_batch_size = 1;
};

/// Counters of one poller, read by the metrics endpoint while the relay runs.
struct RelayStats {
    std::atomic<std::uint64_t> batches{0};
    std::atomic<std::uint64_t> claimed{0};
    std::atomic<std::uint64_t> published{0};
    std::atomic<std::uint64_t> nacked{0};
    std::atomic<std::uint64_t> republished_stale{0};
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::uint64_t> last_batch_size{0};
    std::atomic<std::uint64_t> confirm_wait_us_total{0};
    std::atomic<bool> healthy{true};  // false between a failure and the next successful poll
};

/// The outbox poller's use case: claim due rows, publish them with confirms, mark the confirmed ones
/// queued, commit. Rows not confirmed stay as they were and are picked up by a later poll.
class OutboxRelay {
public:
    OutboxRelay(OutboxStore& store, MessagePublisher& publisher, Clock& clock, RandomSource& random,
                RelayOptions options, RelayStats& stats);

    struct Result {
        std::size_t claimed = 0;
        bool last_batch_full = false;  // more rows of this kind are probably waiting
    };

    /// Relays up to `max_batches` batches of `kind`, keeping up to pipeline_depth of them in flight
    /// (each in its own claim transaction), and stops early after a batch that was not full. Once `stop`
    /// is requested it claims nothing more and only finishes the batches in flight.
    Result Relay(domain::ClaimKind kind, std::size_t max_batches, const StopToken* stop = nullptr);

    /// Relays one batch of `kind`; returns the number of rows claimed.
    std::size_t RelayBatch(domain::ClaimKind kind) { return Relay(kind, 1).claimed; }

    /// One poll over pending rows, due retries and stale queued rows (up to batches_per_poll batches of
    /// each). Returns true when more rows are probably waiting.
    bool PollOnce(const StopToken* stop = nullptr);

    /// Polls until `stop` is requested: again at once while a batch came back full, after poll_interval
    /// when a poll found less, and after a capped exponential backoff when the store or broker failed.
    /// A batch in progress is finished before returning.
    void Run(StopToken& stop);

private:
    struct InFlight;
    void Finish(domain::ClaimKind kind, InFlight& batch);
    /// Ends the batch's publish spans (an error when the broker did not confirm the row) when tracing records.
    void EndSpans(InFlight& batch, const std::vector<bool>& acked) const;

    OutboxStore& store_;
    MessagePublisher& publisher_;
    Clock& clock_;
    RandomSource& random_;
    RelayOptions options_;
    RelayStats& stats_;
};

}  // namespace bulkmsg::app
