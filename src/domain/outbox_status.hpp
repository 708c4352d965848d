#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace bulkmsg::domain {

/// Every status an outbox row can have (outbox.status), in lifecycle order.
enum class OutboxStatus { kPending, kQueued, kSending, kSent, kFailed, kRetrying, kCancelled, kSuppressed };

inline constexpr std::array kAllOutboxStatuses = {
    OutboxStatus::kPending, OutboxStatus::kQueued,   OutboxStatus::kSending,   OutboxStatus::kSent,
    OutboxStatus::kFailed,  OutboxStatus::kRetrying, OutboxStatus::kCancelled, OutboxStatus::kSuppressed};

std::string_view ToString(OutboxStatus status);
std::optional<OutboxStatus> ParseOutboxStatus(std::string_view text);

/// Whether nothing more happens to a row of this status (sent, failed, cancelled, suppressed).
bool IsFinal(OutboxStatus status);

}  // namespace bulkmsg::domain
