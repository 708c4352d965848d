#include "app/outcome_writer.hpp"

#include <set>

#include "app/log.hpp"
#include "app/metrics/metrics.hpp"
#include "domain/queue_message.hpp"

namespace bulkmsg::app {

namespace {

std::string QueueBody(const domain::OutboundMessage& m) {
    return domain::EncodeQueueMessage(
        {m.outbox_id, m.idempotency_key, m.campaign_id, m.user_ref, std::string(domain::ToString(m.kind)), 0, {}});
}

}  // namespace

OutcomeWriter::OutcomeWriter(const DeliveryContext& context, ProviderRouter& providers, ProgressCache* progress)
    : context_(context), providers_(providers), progress_(progress) {}

void OutcomeWriter::Finish(std::uint64_t tag, std::uint64_t claim_token, domain::DeliveryOutcome outcome,
                           domain::OutboundMessage message, bool suppress) {
    outcome.claim_token = claim_token;
    if (finished_.empty()) {
        oldest_finished_ = context_.clock.Now();
    }
    finished_.push_back({tag, std::move(outcome), std::move(message), suppress});
}

void OutcomeWriter::Accepted(std::string idempotency_key, std::string provider_message_id) {
    unmarked_.emplace_back(std::move(idempotency_key), std::move(provider_message_id));
}

void OutcomeWriter::MarkSent() {
    if (unmarked_.empty()) {
        return;
    }
    try {
        context_.markers.Mark(unmarked_);
    } catch (const std::exception& e) {
        Log(LogLevel::kWarn, "consumer", "cannot record sent markers; the outbox status alone guards these",
            {{"error", e.what()}, {"messages", unmarked_.size()}});
    }
    unmarked_.clear();
}

void OutcomeWriter::CountStored() {
    auto& metrics = ProcessMetrics();
    for (const auto& f : finished_) {
        const auto& status = f.outcome.status;
        auto& family = status == domain::OutboxStatus::kSent     ? metrics.messages_sent
                       : status == domain::OutboxStatus::kFailed ? metrics.messages_failed
                                                                 : metrics.messages_retried;
        family.With({std::string(domain::ToString(f.message.kind)), std::string(providers_.For(f.message).Name())})
            .Inc();
    }
}

bool OutcomeWriter::FlushIfDue(bool force) {
    const auto now = context_.clock.Now();
    if (finished_.empty() || context_.ledger.store.Waiting(now) ||
        (!force && finished_.size() < context_.options.flush_rows &&
         now - *oldest_finished_ < context_.options.flush_interval)) {
        return false;
    }
    std::vector<domain::DeliveryOutcome> outcomes;
    std::vector<domain::OutboundMessage> suppress;
    for (const auto& f : finished_) {
        outcomes.push_back(f.outcome);
        if (f.suppress) {
            suppress.push_back(f.message);
        }
    }
    try {
        context_.store.Record(outcomes, suppress, now);
        context_.ledger.store.Succeeded();
    } catch (const std::exception& e) {
        ++context_.ledger.stats.write_failures;
        const auto wait = context_.ledger.store.Failed(now, context_.random.Unit());
        Log(LogLevel::kWarn, "consumer", "cannot store outcomes; keeping them and their messages unacknowledged",
            {{"error", e.what()}, {"outcomes", outcomes.size()}, {"retry_in_ms", wait.count()}});
        return false;
    }
    CountStored();
    Settle();
    return true;
}

void OutcomeWriter::Settle() {
    std::set<std::uint64_t> campaigns;
    for (auto& f : finished_) {
        if (f.outcome.dead_letter) {
            try {
                context_.queue.DeadLetter(QueueBody(f.message), f.outcome.last_error);
            } catch (const std::exception& e) {
                Log(LogLevel::kWarn, "consumer", "cannot publish to the dead-letter queue; the row keeps the reason",
                    {{"outbox_id", f.message.outbox_id}, {"error", e.what()}});
            }
        }
        campaigns.insert(f.message.campaign_id);
        context_.ledger.Acknowledge(f.tag);
    }
    finished_.clear();
    oldest_finished_.reset();
    if (progress_ != nullptr) {
        for (auto id : campaigns) {
            try {
                progress_->Forget(id);
            } catch (const std::exception&) {
                break;  // Redis down: the API counts in MySQL
            }
        }
    }
}

}  // namespace bulkmsg::app
