#include "app/campaign_preparer.hpp"

#include <stdexcept>

#include "app/concurrent_writes.hpp"
#include "app/log.hpp"
#include "app/tracing/tracer.hpp"
#include "domain/quiet_hours.hpp"

namespace bulkmsg::app {

CampaignPreparer::CampaignPreparer(PreparationStore& store, domain::DefaultSenders senders, std::size_t batch_size,
                                   std::chrono::seconds max_lateness, domain::UnsubscribeLinks links)
    : store_(store),
      senders_(std::move(senders)),
      batch_size_(batch_size),
      max_lateness_(max_lateness),
      links_(std::move(links)) {}

CampaignPreparer::Report CampaignPreparer::Prepare(std::uint64_t campaign_id, domain::TimePoint now,
                                                   const StopToken* stop) {
    const auto campaign = store_.LoadCampaign(campaign_id);
    if (!campaign) {
        throw std::out_of_range("campaign " + std::to_string(campaign_id) + " does not exist");
    }
    domain::MessageRenderer renderer(*campaign, senders_, links_);
    // Each batch is a span of the trace of the request that prepared (or scheduled) the campaign, or of a new trace;
    // every row carries its batch's span so the poller and consumers continue the trace.
    const auto parent = store_.CampaignTraceparent(campaign_id);
    auto& tracer = ProcessTracer();
    Report report;
    // Batch writes run on their own threads (and database connections), kPreparationWritesInFlight at once, while
    // the next batches are read and rendered. Order does not matter: a batch written after a later one, or twice
    // after a crash, inserts each row once.
    struct Written {
        domain::Span span;
        std::size_t targets;
        std::size_t inserted;
    };
    ConcurrentWrites<Written> writes(kPreparationWritesInFlight, [&](Written written) {
        report.inserted += written.inserted;
        report.targets += written.targets;
        written.span.attributes = {{"bulkmsg.campaign_id", campaign_id},
                                   {"bulkmsg.targets", written.targets},
                                   {"bulkmsg.rows_inserted", written.inserted}};
        tracer.End(written.span);
    });
    std::uint64_t after = 0;
    while (!(stop && stop->StopRequested())) {
        const auto targets = store_.TargetsAfter(campaign_id, after, batch_size_);
        if (targets.empty()) {
            report.complete = true;
            break;
        }
        auto span = tracer.Start("prepare batch", domain::SpanKind::kInternal, parent);
        const auto traceparent = span.Traceparent();
        const auto suppressed = store_.Suppressed(targets);
        std::vector<OutboxInsert> rows;
        rows.reserve(targets.size());
        for (const auto& [id, target] : targets) {
            const auto window_start =
                campaign->send_window ? domain::EarliestSendTime(now, *campaign->send_window, target.timezone) : now;
            const auto available_at = domain::OutsideQuietHours(window_start, campaign->quiet_hours, target.timezone);
            rows.push_back({campaign_id, id, target.user_ref, target.kind, renderer.Payload(target, id),
                            domain::IdempotencyKey(campaign_id, target.user_ref, target.kind), traceparent,
                            available_at, suppressed.contains(id) ? suppressed.at(id) : std::string()});
        }
        writes.Start([this, span = std::move(span), count = targets.size(), rows = std::move(rows)] {
            return Written{span, count, store_.InsertOutbox(rows)};
        });
        after = targets.back().id;
    }
    writes.Finish();
    return report;
}

std::size_t CampaignPreparer::RunDue(domain::TimePoint now, const StopToken* stop) {
    if (!store_.TryAcquireSchedulerLock()) {
        return 0;
    }
    std::size_t finished = 0;
    for (const auto campaign_id : store_.StartDueCampaigns(now, max_lateness_)) {
        try {
            const auto report = Prepare(campaign_id, now, stop);
            if (!report.complete) {
                return finished;
            }
            store_.FinishPreparation(campaign_id, true);
            Log(LogLevel::kInfo, "scheduler", "campaign prepared",
                {{"campaign_id", campaign_id}, {"targets", report.targets}, {"inserted", report.inserted}});
        } catch (const domain::TemplateError& e) {
            store_.FinishPreparation(campaign_id, false);
            Log(LogLevel::kError, "scheduler", "campaign template does not parse; campaign failed",
                {{"campaign_id", campaign_id}, {"error", e.what()}});
        }
        ++finished;
    }
    return finished;
}

}  // namespace bulkmsg::app
