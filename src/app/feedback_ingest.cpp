#include "app/feedback_ingest.hpp"

#include "app/metrics/metrics.hpp"

namespace bulkmsg::app {

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
    for (const auto& [source, added] : result.suppressions_added) {
        metrics.suppressions_added.With({source}).Inc(static_cast<double>(added));
    }
    return result;
}

}  // namespace bulkmsg::app
