#include "app/feedback_ingest.hpp"

#include "app/metrics/metrics.hpp"

namespace bulkmsg::app {

namespace {

void CountSuppressions(const std::map<std::string, std::size_t>& added_by_source) {
    for (const auto& [source, added] : added_by_source) {
        ProcessMetrics().suppressions_added.With({source}).Inc(static_cast<double>(added));
    }
}

}  // namespace

FeedbackResult FeedbackIngest::Ingest(const std::vector<domain::FeedbackEvent>& events) {
    auto result = store_.Ingest(events);
    auto& metrics = ProcessMetrics();
    for (const auto* e : result.fresh) {
        metrics.webhook_events
            .With({e->provider, std::string(domain::ToString(domain::ChannelOf(*e))), std::string(ToString(e->type))})
            .Inc();
    }
    if (result.duplicates > 0) {
        metrics.webhook_duplicates.With({events.front().provider}).Inc(static_cast<double>(result.duplicates));
    }
    CountSuppressions(result.suppressions_added);
    return result;
}

LateMatchResult FeedbackIngest::MatchLate(domain::TimePoint now) {
    auto result = store_.MatchLateEvents(now - kLateMatchWindow, kLateMatchBatch);
    if (result.matched > 0) {
        ProcessMetrics().webhook_late_matches.With({"twilio"}).Inc(static_cast<double>(result.matched));
    }
    CountSuppressions(result.suppressions_added);
    return result;
}

}  // namespace bulkmsg::app
