#include "domain/delivery_status.hpp"

#include "domain/enum_names.hpp"

namespace bulkmsg::domain {

namespace {

constexpr EnumNames<DeliveryStatus, kAllDeliveryStatuses.size()> kStatusNames{
    {"accepted", "delivered", "deferred", "bounced", "dropped", "undelivered", "complained"}};

constexpr EnumNames<DeliveryEventType, kDeliveryEventTypeCount> kEventNames{
    {"processed", "delivered", "deferred", "bounce", "blocked", "dropped", "spamreport", "unsubscribe",
     "group_unsubscribe", "group_resubscribe", "open", "click", "sent", "undelivered", "failed", "stop", "start"}};

/// Position in the precedence order (higher wins).
int Rank(DeliveryStatus status) {
    switch (status) {
        case DeliveryStatus::kAccepted: return 0;
        case DeliveryStatus::kDeferred: return 1;
        case DeliveryStatus::kDelivered: return 2;
        case DeliveryStatus::kUndelivered: return 3;
        case DeliveryStatus::kBounced: return 4;
        case DeliveryStatus::kDropped: return 5;
        case DeliveryStatus::kComplained: return 6;
    }
    return 0;
}

}  // namespace

std::string_view ToString(DeliveryStatus status) {
    return kStatusNames.Of(status);
}

std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view text) {
    return kStatusNames.Parse(text);
}

std::string_view ToString(DeliveryEventType type) {
    return kEventNames.Of(type);
}

std::optional<DeliveryEventType> ParseDeliveryEventType(std::string_view text) {
    return kEventNames.Parse(text);
}

std::optional<DeliveryStatus> StatusReportedBy(DeliveryEventType type) {
    using E = DeliveryEventType;
    switch (type) {
        case E::kProcessed:
        case E::kSent: return DeliveryStatus::kAccepted;
        case E::kDelivered: return DeliveryStatus::kDelivered;
        case E::kDeferred: return DeliveryStatus::kDeferred;
        case E::kBounce:
        case E::kBlocked: return DeliveryStatus::kBounced;
        case E::kDropped: return DeliveryStatus::kDropped;
        case E::kSpamReport: return DeliveryStatus::kComplained;
        case E::kUndelivered:
        case E::kFailed: return DeliveryStatus::kUndelivered;
        default: return std::nullopt;
    }
}

std::optional<DeliveryStatus> ApplyDeliveryEvent(std::optional<DeliveryStatus> current, DeliveryEventType event) {
    const auto reported = StatusReportedBy(event);
    if (!reported || (current && Rank(*current) >= Rank(*reported))) {
        return current;
    }
    return reported;
}

}  // namespace bulkmsg::domain
