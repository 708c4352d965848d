#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

#include "app/clock.hpp"
#include "app/delivery_options.hpp"
#include "app/delivery_ports.hpp"
#include "app/random_source.hpp"
#include "domain/backoff.hpp"
#include "domain/outbox_row.hpp"
#include "domain/providers/provider_types.hpp"
#include "domain/tracing/span.hpp"

namespace bulkmsg::app {

struct DeliveryStats {
    std::uint64_t received = 0, sent = 0, retried = 0, failed = 0, deduplicated = 0, paused = 0, cancelled = 0,
                  invalid = 0, deferred = 0, write_failures = 0;
};

/// A claimed message waiting for its provider call (or in flight).
struct ClaimedMessage {
    std::uint64_t tag;
    std::uint64_t claim_token;
    domain::OutboundMessage message;
    unsigned attempts;
    domain::TimePoint since;
    domain::Span span;  // the consume span: from claim to outcome, parent of the provider call's span
};

/// The store's backoff, shared by claims and outcome writes: after a failure neither touches the store again
/// before the reconnect delay has passed.
class StoreBackoff {
public:
    bool Waiting(domain::TimePoint now) const { return now < retry_at_; }
    void Succeeded() { failures_ = 0; }
    /// Records a failure at `now`; returns the delay before the store is tried again.
    std::chrono::milliseconds Failed(domain::TimePoint now, double jitter) {
        const auto wait = domain::ReconnectDelay(++failures_, jitter);
        retry_at_ = now + wait;
        return wait;
    }
    /// Lets the next write try at once (draining: the deadline bounds the attempts instead).
    void TryNow() { retry_at_ = {}; }

private:
    domain::TimePoint retry_at_{};
    unsigned failures_ = 0;
};

/// What the stages of one worker share: how many messages it holds, the acknowledgements and requeues due, the
/// store's backoff and the counts.
///
/// A message holds one item (a single object) or several (a batch). Each item is settled once: Acknowledge when its
/// row's new state is stored or nothing needs storing, GiveBack when it goes back unsent (its row released, or never
/// claimed). Once every item of a message is settled the message is due: requeued when any item was given back (a
/// redelivery finds the settled items' rows final and only acknowledges them), acknowledged otherwise. A message
/// leaves `held` exactly then. An item never settled (still in flight when the worker stops) keeps its message
/// unacknowledged; the broker requeues it when the connection closes.
class DeliveryLedger {
public:
    std::size_t held = 0;  // messages received and not yet due
    std::vector<std::uint64_t> acks;
    std::vector<std::uint64_t> requeues;
    StoreBackoff store;
    DeliveryStats stats;

    /// A message with `items` items (at least one) arrived under `tag`.
    void Hold(std::uint64_t tag, std::size_t items) {
        open_[tag] = {items, false};
        ++held;
    }
    /// One item of `tag` is settled: its outcome stored, or nothing to store.
    void Acknowledge(std::uint64_t tag) { Settle(tag, false); }
    /// One item of `tag` goes back unsent.
    void GiveBack(std::uint64_t tag) { Settle(tag, true); }

private:
    struct Open {
        std::size_t items_left = 0;
        bool given_back = false;
    };
    void Settle(std::uint64_t tag, bool given_back) {
        const auto it = open_.find(tag);
        if (it == open_.end()) {
            return;
        }
        it->second.given_back = it->second.given_back || given_back;
        if (--it->second.items_left == 0) {
            (it->second.given_back ? requeues : acks).push_back(tag);
            open_.erase(it);
            --held;
        }
    }
    std::map<std::uint64_t, Open> open_;
};

/// What every stage of one worker uses: its options, the queue and store ports, time, randomness and the ledger.
/// The worker owns all of them and outlives its stages.
struct DeliveryContext {
    const DeliveryWorkerOptions& options;
    DeliveryQueue& queue;
    DeliveryStore& store;
    SentMarkers& markers;
    Clock& clock;
    RandomSource& random;
    DeliveryLedger& ledger;
};

}  // namespace bulkmsg::app
