#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "domain/providers/provider_types.hpp"
#include "feedback_events.hpp"

/// Scheduling of the simulator's webhooks, without I/O: SendGrid batching, per-message ordering of Twilio
/// callbacks, and retries of unacknowledged posts. Not thread-safe (FeedbackLoop locks around it).
namespace bulkmsg::sim {

using TimePoint = std::chrono::system_clock::time_point;

/// One webhook request, rebuilt (and so re-signed with a fresh timestamp) at every attempt.
struct WebhookPost {
    std::function<domain::ProviderRequest(TimePoint)> build;
    std::string provider;             // "sendgrid" or "twilio", for the report
    std::vector<FeedbackItem> items;  // counted once bulkmsg answers 2xx
};

struct WebhookJob {
    std::uint64_t id = 0;
    domain::ProviderRequest request;
};

/// Waits between attempts of a post bulkmsg did not acknowledge: first, doubled each time, at most max.
/// Like the providers, the simulator keeps retrying (SendGrid for 24 h) until it stops.
struct RetryPolicy {
    std::chrono::milliseconds first{250};
    std::chrono::milliseconds max{10'000};
};

/// Chains of posts: each post goes out once the previous one of its chain got a 2xx, so a message's callbacks
/// arrive in the order planned; chains proceed independently.
class RetryQueue {
public:
    explicit RetryQueue(RetryPolicy policy) : policy_(policy) {}

    void Add(std::vector<WebhookPost> chain, TimePoint due);
    /// Up to `max` posts due at `now`, built for this attempt; each is in flight until Finish.
    std::vector<WebhookJob> TakeDue(TimePoint now, std::size_t max);
    /// Ends the attempt of job `id`: when `ok`, returns its post (the chain moves on); otherwise schedules a
    /// retry and returns nullopt, as it does for an id Clear dropped.
    std::optional<WebhookPost> Finish(std::uint64_t id, bool ok, TimePoint now);
    std::optional<TimePoint> NextDue() const;
    /// Items of the posts not yet acknowledged, in flight included.
    std::size_t Pending() const { return pending_; }
    /// Drops the chains that are not in flight.
    void ClearWaiting();

private:
    struct Chain {
        std::vector<WebhookPost> posts;
        std::size_t next = 0;
        unsigned failures = 0;
    };
    RetryPolicy policy_;
    std::uint64_t next_id_ = 1;
    std::size_t pending_ = 0;
    std::unordered_map<std::uint64_t, Chain> chains_;
    std::multimap<TimePoint, std::uint64_t> due_;  // chains waiting for their next attempt
};

/// SendGrid-style batching: a batch holds up to `max_events` events and leaves when full or when its oldest event
/// has waited `flush_interval`. Events marked `later` join the pool only after a flush interval, so they travel
/// in a later batch than their message's other events (as a re-delivery would) unless a backlog of more than
/// `max_events` holds those back.
class SendgridBatcher {
public:
    SendgridBatcher(std::size_t max_events, std::chrono::milliseconds flush_interval)
        : max_events_(max_events), flush_interval_(flush_interval) {}

    void Add(std::vector<SendgridEvent> events, TimePoint now);
    std::optional<std::vector<SendgridEvent>> Take(TimePoint now);
    std::optional<TimePoint> NextDue() const;
    std::size_t Size() const { return ready_.size() + later_.size(); }
    void Clear();

private:
    struct Waiting {
        TimePoint since;
        SendgridEvent event;
    };
    std::size_t max_events_;
    std::chrono::milliseconds flush_interval_;
    std::deque<Waiting> ready_, later_;
};

/// The JSON array SendGrid posts for `events`.
std::string BatchBody(const std::vector<SendgridEvent>& events);

}  // namespace bulkmsg::sim
