#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace bulkmsg::domain {

/// What a provider reported about a message after taking it (outbox.delivery_status; NULL until accepted).
enum class DeliveryStatus { kAccepted, kDelivered, kDeferred, kBounced, kDropped, kUndelivered, kComplained };

inline constexpr std::array kAllDeliveryStatuses = {
    DeliveryStatus::kAccepted, DeliveryStatus::kDelivered,   DeliveryStatus::kDeferred,  DeliveryStatus::kBounced,
    DeliveryStatus::kDropped,  DeliveryStatus::kUndelivered, DeliveryStatus::kComplained};

std::string_view ToString(DeliveryStatus status);
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view text);

/// One kind of provider feedback (message_events.event_type). SendGrid's names; Twilio's `sent`, `undelivered`
/// and `failed` statuses; `stop`/`start` for inbound opt-out and opt-in keywords. A SendGrid `bounce` of type
/// `blocked` or `expired` (a soft bounce) is `blocked`.
enum class DeliveryEventType {
    kProcessed,
    kDelivered,
    kDeferred,
    kBounce,
    kBlocked,
    kDropped,
    kSpamReport,
    kUnsubscribe,
    kGroupUnsubscribe,
    kGroupResubscribe,
    kOpen,
    kClick,
    kSent,
    kUndelivered,
    kFailed,
    kStop,
    kStart,
};

inline constexpr std::size_t kDeliveryEventTypeCount = 17;

std::string_view ToString(DeliveryEventType type);
std::optional<DeliveryEventType> ParseDeliveryEventType(std::string_view text);

/// The delivery status an event reports, or nullopt for events that report none (opens, clicks, unsubscribes,
/// resubscribes, keywords): those are counted, they do not change the state.
std::optional<DeliveryStatus> StatusReportedBy(DeliveryEventType type);

/// The state after `event` given the state before (nullopt: not yet accepted). Precedence, lowest first:
/// accepted < deferred < delivered < undelivered < bounced < dropped < complained; an event never moves the state
/// down, so the result does not depend on the order events arrive in (a late `deferred` never overwrites
/// `delivered`, `complained` wins over `delivered`) and a duplicate changes nothing.
std::optional<DeliveryStatus> ApplyDeliveryEvent(std::optional<DeliveryStatus> current, DeliveryEventType event);

}  // namespace bulkmsg::domain
