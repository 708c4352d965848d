#pragma once

#include <chrono>
#include <vector>

#include "app/feedback_store.hpp"

namespace bulkmsg::app {

/// Takes in provider feedback that passed its signature check: stores it (FeedbackStore::Ingest) and counts it
/// in bulkmsg_webhook_events_total, bulkmsg_webhook_duplicate_events_total and bulkmsg_suppressions_added_total.
class FeedbackIngest {
public:
    explicit FeedbackIngest(FeedbackStore& store) : store_(store) {}

    FeedbackResult Ingest(const std::vector<domain::FeedbackEvent>& events);

    /// One pass of FeedbackStore::MatchLateEvents over the events of the last kLateMatchWindow (a provider message
    /// id is stored within seconds of the send; an event still unmatched after that belongs to no row of ours),
    /// counted in bulkmsg_webhook_late_matches_total and bulkmsg_suppressions_added_total. The poller runs it every
    /// POLL_INTERVAL_MS.
    LateMatchResult MatchLate(domain::TimePoint now);

    static constexpr std::chrono::minutes kLateMatchWindow{15};
    static constexpr std::size_t kLateMatchBatch = 1000;
    /// A message's stored events, oldest first (GET /messages/{id}/events); nullopt for an unknown outbox id.
    std::optional<std::vector<StoredEvent>> Timeline(std::uint64_t outbox_id) { return store_.EventsOf(outbox_id); }

private:
    FeedbackStore& store_;
};

}  // namespace bulkmsg::app
