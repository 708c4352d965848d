#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/delivery_status.hpp"
#include "domain/outbox_status.hpp"

namespace bulkmsg::app {

/// Counts behind a campaign's progress.
struct CampaignCounts {
    std::uint64_t targets = 0;
    std::map<domain::OutboxStatus, std::uint64_t> outbox_by_status;
    std::map<domain::DeliveryStatus, std::uint64_t> delivery_by_status;  // rows by provider feedback
    std::map<domain::DeliveryEventType, std::uint64_t> engagement;       // open, click, (group_)unsubscribe events
};

/// One outbox row as `GET /campaigns/{id}/messages` shows it.
struct MessageRecord {
    std::uint64_t id = 0;
    std::string user_ref;
    std::string kind;
    domain::OutboxStatus status = domain::OutboxStatus::kPending;
    std::uint64_t attempts = 0;
    std::optional<std::string> last_error;
    std::optional<std::string> provider_msg_id;
    std::optional<std::string> available_at;  // UTC, "YYYY-MM-DD HH:MM:SS.ffffff"
    std::optional<std::string> sent_at;
    std::optional<domain::DeliveryStatus> delivery_status;
    std::optional<std::string> delivered_at;
};

/// Which rows of a campaign a message listing shows.
struct MessageFilter {
    std::optional<domain::OutboxStatus> status;
    std::optional<domain::DeliveryStatus> delivery_status;
};

/// A campaign's messages in the outbox as the API reads and cancels them (port). Thread-safe.
class MessageStore {
public:
    virtual ~MessageStore() = default;
    virtual CampaignCounts Counts(std::uint64_t campaign_id) = 0;
    /// Outbox rows of the campaign with id > after_id in id order, optionally of one status and delivery status.
    virtual std::vector<MessageRecord> ListMessages(std::uint64_t campaign_id, const MessageFilter& filter,
                                                    std::uint64_t after_id, std::size_t limit) = 0;
    /// Marks every unsent outbox row of the campaign cancelled (last_error 'cancelled'); returns how many.
    virtual std::uint64_t CancelUnsent(std::uint64_t campaign_id) = 0;
};

}  // namespace bulkmsg::app
