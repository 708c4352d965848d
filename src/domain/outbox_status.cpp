#include "domain/outbox_status.hpp"

#include "domain/enum_names.hpp"

namespace bulkmsg::domain {

namespace {

constexpr EnumNames<OutboxStatus, kAllOutboxStatuses.size()> kNames{
    {"pending", "queued", "sending", "sent", "failed", "retrying", "cancelled", "suppressed"}};

}  // namespace

std::string_view ToString(OutboxStatus status) {
    return kNames.Of(status);
}

std::optional<OutboxStatus> ParseOutboxStatus(std::string_view text) {
    return kNames.Parse(text);
}

bool IsFinal(OutboxStatus status) {
    return status == OutboxStatus::kSent || status == OutboxStatus::kFailed || status == OutboxStatus::kCancelled ||
           status == OutboxStatus::kSuppressed;
}

}  // namespace bulkmsg::domain
