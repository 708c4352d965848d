#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/feedback_event.hpp"

namespace bulkmsg::domain {

/// An outbox row feedback may concern, as stored before the batch.
struct FeedbackTarget {
    std::uint64_t outbox_id = 0;
    std::uint64_t campaign_id = 0;
    Channel channel = Channel::kEmail;
    std::string address;  // outbox.user_ref
    std::string idempotency_key;
    std::string provider_msg_id;
    std::optional<DeliveryStatus> status;
    std::optional<TimePoint> delivered_at;
};

/// The row an event belongs to, or nullopt. SendGrid events match through their outbox_id custom arg and only
/// when their idempotency_key is the row's too; Twilio status callbacks through the provider message id.
/// Never through the address alone (inbound keywords belong to no row).
std::optional<std::uint64_t> MatchEvent(const FeedbackEvent& event,
                                        const std::map<std::uint64_t, FeedbackTarget>& targets,
                                        const std::map<std::string, std::uint64_t>& by_provider_msg_id);

struct StatusChange {
    std::uint64_t outbox_id = 0;
    std::optional<DeliveryStatus> status;
    std::optional<TimePoint> delivered_at;
};

struct SuppressionChange {
    Channel channel = Channel::kEmail;
    std::string address;
    bool add = true;  // false: an opt-in (START) lifts it
    SuppressionCause cause;
    std::optional<std::uint64_t> campaign_id;
    std::optional<std::uint64_t> outbox_id;
};

/// What a batch of events not seen before changes.
struct FeedbackPlan {
    std::vector<StatusChange> status_changes;  // only rows whose status or delivered_at changes
    std::vector<SuppressionChange> suppressions;
};

/// Folds `fresh` (events stored for the first time, their outbox_id already matched) over the rows' states with
/// ApplyDeliveryEvent; delivered_at is the earliest `delivered` event's time. For each address the latest keyword
/// (by occurred_at, then batch order) decides between suppressing and lifting; other suppressing events add.
FeedbackPlan PlanFeedback(const std::vector<const FeedbackEvent*>& fresh,
                          const std::map<std::uint64_t, FeedbackTarget>& targets);

}  // namespace bulkmsg::domain
