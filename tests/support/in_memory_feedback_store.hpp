#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "app/feedback_store.hpp"
#include "domain/feedback_plan.hpp"
#include "support/in_memory_stores.hpp"

namespace bulkmsg::testing {

/// FeedbackStore in memory with the real store's semantics (dedup on provider_event_id, domain::MatchEvent and
/// domain::PlanFeedback): outbox rows are added with AddRow, suppressions read from `suppressions`.
class InMemoryFeedbackStore final : public app::FeedbackStore, public Outage {
public:
    app::FeedbackResult Ingest(const std::vector<domain::FeedbackEvent>& events) override;
    app::LateMatchResult MatchLateEvents(domain::TimePoint since, std::size_t limit) override;
    std::optional<std::vector<app::StoredEvent>> EventsOf(std::uint64_t outbox_id) override;

    void AddRow(domain::FeedbackTarget row);
    domain::FeedbackTarget Row(std::uint64_t outbox_id);

    std::map<std::pair<domain::Channel, std::string>, domain::SuppressionChange> suppressions;
    std::size_t stored_events = 0;

private:
    std::map<std::string, std::uint64_t> ByProviderId() const;
    /// Applies a plan to the rows and suppressions; returns the START keywords that lifted one.
    std::size_t Apply(const domain::FeedbackPlan& plan, std::map<std::string, std::size_t>& added);

    std::mutex mutex_;
    std::map<std::uint64_t, domain::FeedbackTarget> rows_;
    std::set<std::string> event_ids_;
    std::vector<std::pair<domain::FeedbackEvent, std::optional<std::uint64_t>>> events_;  // event, matched row
};

}  // namespace bulkmsg::testing
