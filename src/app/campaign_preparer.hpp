#pragma once

#include <cstdint>

#include "app/preparation_store.hpp"
#include "app/stop_token.hpp"

namespace bulkmsg::app {

/// Renders a campaign's targets into the outbox (suppressed recipients as `suppressed` rows, never sent), and (as the
/// poller's scheduler duty) starts campaigns whose scheduled time has come. Preparation can be interrupted at any point
/// and run again: each batch is one transaction, and the outbox's unique idempotency key makes a repeated batch insert
/// nothing, so every target ends in the outbox exactly once. Up to two batch writes run concurrently (on their own
/// threads), so the store's InsertOutbox must be thread-safe.
class CampaignPreparer {
public:
    struct Report {
        std::uint64_t targets = 0;   // targets read
        std::uint64_t inserted = 0;  // outbox rows written (less than targets when resuming)
        bool complete = false;       // false when stopped before the last batch
    };

    CampaignPreparer(PreparationStore& store, domain::DefaultSenders senders, std::size_t batch_size,
                     std::chrono::seconds max_lateness = std::chrono::hours(24), domain::UnsubscribeLinks links = {});

    /// Prepares every target of the campaign; rows are available from `now`, or with a send window from the
    /// window's next start in each target's time zone. Throws domain::TemplateError when a template does not parse,
    /// std::out_of_range when the campaign does not exist. Once `stop` is requested it returns after the
    /// current batch (complete = false); running it again later resumes.
    Report Prepare(std::uint64_t campaign_id, domain::TimePoint now, const StopToken* stop = nullptr);

    /// One scheduler tick: when this process holds the scheduler lock, prepares every due or interrupted
    /// campaign and moves it to running (failed when its templates do not parse). Returns how many it finished.
    /// A preparation cut short by `stop` leaves its campaign in preparing, for the next tick to resume.
    std::size_t RunDue(domain::TimePoint now, const StopToken* stop = nullptr);

private:
    PreparationStore& store_;
    domain::DefaultSenders senders_;
    std::size_t batch_size_;
    std::chrono::seconds max_lateness_;
    domain::UnsubscribeLinks links_;  // the one-click links of non-transactional campaigns
};

}  // namespace bulkmsg::app
