#include "support/in_memory_feedback_store.hpp"

namespace bulkmsg::testing {

app::FeedbackResult InMemoryFeedbackStore::Ingest(const std::vector<domain::FeedbackEvent>& events) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    const auto by_provider_id = ByProviderId();
    app::FeedbackResult result;
    std::vector<domain::FeedbackEvent> matched;
    matched.reserve(events.size());
    for (const auto& e : events) {
        if (!event_ids_.insert(e.provider_event_id).second) {
            ++result.duplicates;
            continue;
        }
        matched.push_back(e);
        matched.back().outbox_id = domain::MatchEvent(e, rows_, by_provider_id);
        result.unmatched += matched.back().outbox_id ? 0 : 1;
        result.fresh.push_back(&e);
        events_.emplace_back(matched.back(), matched.back().outbox_id);
    }
    std::vector<const domain::FeedbackEvent*> fresh;
    for (const auto& e : matched) {
        fresh.push_back(&e);
    }
    const auto plan = domain::PlanFeedback(fresh, rows_);
    result.suppressions_lifted = Apply(plan, result.suppressions_added);
    result.status_changes = plan.status_changes.size();
    stored_events += fresh.size();
    return result;
}

app::LateMatchResult InMemoryFeedbackStore::MatchLateEvents(domain::TimePoint since, std::size_t limit) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    const auto by_provider_id = ByProviderId();
    std::vector<const domain::FeedbackEvent*> matched;
    std::size_t looked_at = 0;
    for (auto& [e, row] : events_) {
        const bool late = !row && e.provider == "twilio" && e.type != domain::DeliveryEventType::kStop &&
                          e.type != domain::DeliveryEventType::kStart && e.occurred_at >= since;
        if (!late || looked_at++ == limit) {
            continue;
        }
        row = e.outbox_id = domain::MatchEvent(e, rows_, by_provider_id);
        if (row) {
            matched.push_back(&e);
        }
    }
    app::LateMatchResult result;
    const auto plan = domain::PlanFeedback(matched, rows_);
    Apply(plan, result.suppressions_added);
    result.matched = matched.size();
    result.status_changes = plan.status_changes.size();
    return result;
}

std::map<std::string, std::uint64_t> InMemoryFeedbackStore::ByProviderId() const {
    std::map<std::string, std::uint64_t> by_provider_id;
    for (const auto& [id, row] : rows_) {
        if (!row.provider_msg_id.empty()) {
            by_provider_id[row.provider_msg_id] = id;
        }
    }
    return by_provider_id;
}

std::size_t InMemoryFeedbackStore::Apply(const domain::FeedbackPlan& plan, std::map<std::string, std::size_t>& added) {
    for (const auto& change : plan.status_changes) {
        rows_[change.outbox_id].status = change.status;
        rows_[change.outbox_id].delivered_at = change.delivered_at;
    }
    std::size_t lifted = 0;
    for (const auto& s : plan.suppressions) {
        const auto key = std::pair(s.channel, s.address);
        if (!s.add) {
            lifted += suppressions.erase(key);
        } else if (suppressions.emplace(key, s).second) {
            ++added[s.cause.source];
        }
    }
    return lifted;
}

std::optional<std::vector<app::StoredEvent>> InMemoryFeedbackStore::EventsOf(std::uint64_t outbox_id) {
    ThrowIfDown();
    const std::lock_guard lock(mutex_);
    if (!rows_.contains(outbox_id)) {
        return std::nullopt;
    }
    std::vector<app::StoredEvent> out;
    for (std::size_t i = 0; i < events_.size(); ++i) {
        const auto& [e, row] = events_[i];
        if (row == outbox_id) {
            out.push_back({i + 1, e.provider, std::string(domain::ToString(e.type)), e.provider_event_id, e.occurred_at,
                           e.reason, e.code});
        }
    }
    return out;
}

void InMemoryFeedbackStore::AddRow(domain::FeedbackTarget row) {
    const std::lock_guard lock(mutex_);
    rows_[row.outbox_id] = std::move(row);
}

domain::FeedbackTarget InMemoryFeedbackStore::Row(std::uint64_t outbox_id) {
    const std::lock_guard lock(mutex_);
    return rows_.at(outbox_id);
}

}  // namespace bulkmsg::testing
