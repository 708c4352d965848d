#include "domain/feedback_plan.hpp"

namespace bulkmsg::domain {

namespace {

using Targets = std::map<std::uint64_t, FeedbackTarget>;

void FoldStatuses(const std::vector<const FeedbackEvent*>& fresh, const Targets& targets, FeedbackPlan& plan) {
    std::map<std::uint64_t, StatusChange> changed;
    for (const auto* event : fresh) {
        if (!event->outbox_id) {
            continue;
        }
        const auto target = targets.find(*event->outbox_id);
        if (target == targets.end()) {
            continue;
        }
        auto [it, inserted] = changed.try_emplace(
            target->first, StatusChange{target->first, target->second.status, target->second.delivered_at});
        auto& change = it->second;
        change.status = ApplyDeliveryEvent(change.status, event->type);
        if (event->type == DeliveryEventType::kDelivered &&
            (!change.delivered_at || event->occurred_at < *change.delivered_at)) {
            change.delivered_at = event->occurred_at;
        }
    }
    for (auto& [id, change] : changed) {
        const auto& before = targets.at(id);
        if (change.status != before.status || change.delivered_at != before.delivered_at) {
            plan.status_changes.push_back(std::move(change));
        }
    }
}

void AddRowSuppressions(const std::vector<const FeedbackEvent*>& fresh, const Targets& targets, FeedbackPlan& plan) {
    for (const auto* event : fresh) {
        if (!event->outbox_id || event->type == DeliveryEventType::kStop) {
            continue;
        }
        const auto target = targets.find(*event->outbox_id);
        const auto cause = SuppressionFor(*event);
        if (target == targets.end() || !cause) {
            continue;
        }
        plan.suppressions.push_back(
            {target->second.channel, target->second.address, true, *cause, target->second.campaign_id, target->first});
    }
}

void AddKeywords(const std::vector<const FeedbackEvent*>& fresh, FeedbackPlan& plan) {
    std::map<std::string, const FeedbackEvent*> latest;
    for (const auto* event : fresh) {
        if (event->type != DeliveryEventType::kStop && event->type != DeliveryEventType::kStart) {
            continue;
        }
        auto& slot = latest[event->address];
        if (slot == nullptr || slot->occurred_at <= event->occurred_at) {
            slot = event;
        }
    }
    for (const auto& [address, event] : latest) {
        const bool stop = event->type == DeliveryEventType::kStop;
        auto cause = stop ? *SuppressionFor(*event) : SuppressionCause{event->provider + ":start", event->reason};
        plan.suppressions.push_back({ChannelOf(*event), address, stop, std::move(cause), std::nullopt, std::nullopt});
    }
}

}  // namespace

std::optional<std::uint64_t> MatchEvent(const FeedbackEvent& event, const Targets& targets,
                                        const std::map<std::string, std::uint64_t>& by_provider_msg_id) {
    if (event.type == DeliveryEventType::kStop || event.type == DeliveryEventType::kStart) {
        return std::nullopt;
    }
    if (event.provider == "twilio") {
        const auto it = by_provider_msg_id.find(event.provider_msg_id);
        return it == by_provider_msg_id.end() ? std::nullopt : std::optional(it->second);
    }
    if (!event.outbox_id) {
        return std::nullopt;
    }
    const auto it = targets.find(*event.outbox_id);
    if (it == targets.end() || it->second.idempotency_key != event.idempotency_key) {
        return std::nullopt;
    }
    return it->first;
}

FeedbackPlan PlanFeedback(const std::vector<const FeedbackEvent*>& fresh, const Targets& targets) {
    FeedbackPlan plan;
    FoldStatuses(fresh, targets, plan);
    AddRowSuppressions(fresh, targets, plan);
    AddKeywords(fresh, plan);
    return plan;
}

}  // namespace bulkmsg::domain
