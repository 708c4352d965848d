#include "domain/outbox_status.hpp"

#include <algorithm>

namespace bulkmsg::domain {

namespace {

constexpr std::array<std::string_view, kAllOutboxStatuses.size()> kNames = {
    "pending", "queued", "sending", "sent", "failed", "retrying", "cancelled", "suppressed"};

}  // namespace

std::string_view ToString(OutboxStatus status) {
    return kNames[static_cast<std::size_t>(status)];
}

std::optional<OutboxStatus> ParseOutboxStatus(std::string_view text) {
    const auto it = std::find(kNames.begin(), kNames.end(), text);
    if (it == kNames.end()) {
        return std::nullopt;
    }
    return kAllOutboxStatuses[static_cast<std::size_t>(it - kNames.begin())];
}

bool IsFinal(OutboxStatus status) {
    return status == OutboxStatus::kSent || status == OutboxStatus::kFailed || status == OutboxStatus::kCancelled ||
           status == OutboxStatus::kSuppressed;
}

}  // namespace bulkmsg::domain
