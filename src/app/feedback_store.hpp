#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/feedback_event.hpp"

namespace bulkmsg::app {

/// What storing one batch of feedback did.
struct FeedbackResult {
    std::vector<const domain::FeedbackEvent*> fresh;        // events stored for the first time (into the batch given)
    std::size_t duplicates = 0;                             // events already stored before
    std::size_t unmatched = 0;                              // fresh events that belong to no outbox row
    std::size_t status_changes = 0;                         // outbox rows whose delivery_status/delivered_at changed
    std::map<std::string, std::size_t> suppressions_added;  // by source; existing suppressions not counted
    std::size_t suppressions_lifted = 0;                    // START keywords that removed one
};

/// What matching late events did (FeedbackStore::MatchLateEvents).
struct LateMatchResult {
    std::size_t matched = 0;                                // events now attached to their row
    std::size_t status_changes = 0;                         // rows whose delivery_status/delivered_at changed
    std::map<std::string, std::size_t> suppressions_added;  // by source
};

/// One stored event of a message's timeline.
struct StoredEvent {
    std::uint64_t id = 0;
    std::string provider;
    std::string type;
    std::string provider_event_id;
    domain::TimePoint occurred_at;
    std::string reason;
    std::string code;
};

/// Where provider feedback is kept (message_events, outbox.delivery_status, suppressions).
class FeedbackStore {
public:
    virtual ~FeedbackStore() = default;

    /// Stores a batch in one transaction: every event not stored before (by provider_event_id) is appended,
    /// matched to its row (domain::MatchEvent), and only those move delivery states and suppressions
    /// (domain::PlanFeedback), so a duplicate or a replayed batch changes nothing. Throws app::DependencyError.
    virtual FeedbackResult Ingest(const std::vector<domain::FeedbackEvent>& events) = 0;

    /// Matches stored status callbacks that found no row when they arrived (Twilio calls back as soon as it answers
    /// the send, often before the consumer has stored the MessageSid) and that occurred at or after `since`, to the
    /// rows that now carry their provider message id, and applies them as Ingest would have: delivery state,
    /// suppressions. Looks at `limit` such events at most. Safe to run from several
    /// processes at once (each event is matched once). Throws app::DependencyError.
    virtual LateMatchResult MatchLateEvents(domain::TimePoint since, std::size_t limit) = 0;

    /// The events of one outbox row, oldest first; nullopt when the row does not exist.
    virtual std::optional<std::vector<StoredEvent>> EventsOf(std::uint64_t outbox_id) = 0;
};

}  // namespace bulkmsg::app
