#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/campaign_request.hpp"

namespace bulkmsg::app {

/// A campaign as the API returns it.
struct CampaignRecord {
    std::uint64_t id = 0;
    std::string name;
    std::string status;
    std::optional<std::string> status_reason;  // e.g. a missed schedule waiting for prepare
    domain::CampaignContent content;
    std::optional<domain::TimePoint> scheduled_at;
    domain::TimePoint created_at;
    domain::TimePoint updated_at;
};

/// Counts behind a campaign's progress.
struct CampaignCounts {
    std::uint64_t targets = 0;
    std::map<std::string, std::uint64_t> outbox_by_status;
};

/// One outbox row as `GET /campaigns/{id}/messages` shows it.
struct MessageRecord {
    std::uint64_t id = 0;
    std::string user_ref;
    std::string kind;
    std::string status;
    std::uint64_t attempts = 0;
    std::optional<std::string> last_error;
    std::optional<std::string> provider_msg_id;
    std::optional<std::string> available_at;  // UTC, "YYYY-MM-DD HH:MM:SS.ffffff"
    std::optional<std::string> sent_at;
};

struct Suppression {
    std::uint64_t id = 0;
    std::string channel;
    std::string address;
    std::string reason;
};

/// What an audit-trail entry says: `event` (created, targets_added, prepare_requested, scheduled, paused, resumed,
/// cancelled; started, prepared, preparation_failed, schedule_missed, completed), who did it (`actor`: the API key's
/// name, or the service role for automatic steps) and event-specific details.
struct AuditNote {
    AuditNote(std::string event_name, std::string by, nlohmann::json event_details = nlohmann::json::object(),
              std::string trace = "")
        : event(std::move(event_name)),
          actor(std::move(by)),
          details(std::move(event_details)),
          traceparent(std::move(trace)) {}

    std::string event;
    std::string actor;
    nlohmann::json details;
    std::string traceparent;  // the request's trace; a status change stores it with the campaign when not empty
};

/// One stored audit-trail entry.
struct CampaignEvent {
    std::uint64_t id = 0;
    AuditNote note;
    std::string created_at;  // UTC, "YYYY-MM-DD HH:MM:SS.ffffff"
};

struct TargetInsertResult {
    std::uint64_t accepted = 0;
    std::uint64_t duplicates = 0;  // same user_ref and kind already in the campaign
};

/// An Idempotency-Key sent with a create request, scoped to the API key that sent it.
struct IdempotentRequest {
    std::string scope;         // API key name
    std::string key;           // the header's value
    std::string request_hash;  // SHA-256 of the body
};

struct CreateResult {
    enum class Outcome { kCreated, kReplayed, kConflict };
    Outcome outcome = Outcome::kCreated;
    std::uint64_t id = 0;  // the created (or earlier created) campaign; 0 on conflict
};

/// Campaigns, targets and API keys as the HTTP API sees them (port). Thread-safe.
class CampaignStore {
public:
    virtual ~CampaignStore() = default;
    /// Creates the campaign and records `created` by `actor` in the same transaction. With `idempotency`,
    /// atomically: a key seen before with the same request hash returns the campaign it created (kReplayed), with
    /// another hash kConflict; concurrent requests with one key create one campaign.
    virtual CreateResult CreateCampaign(const domain::NewCampaign& campaign,
                                        const std::optional<IdempotentRequest>& idempotency,
                                        const std::string& actor) = 0;
    virtual std::optional<CampaignRecord> GetCampaign(std::uint64_t id) = 0;
    /// Campaigns with id < before_id (0 = from the newest), newest first, optionally of one status.
    virtual std::vector<CampaignRecord> ListCampaigns(std::uint64_t before_id, std::size_t limit,
                                                      const std::optional<std::string>& status) = 0;
    /// Inserts targets, skipping (and counting) ones already in the campaign; one transaction.
    virtual TargetInsertResult InsertTargets(std::uint64_t campaign_id, const std::vector<domain::Target>& targets) = 0;
    virtual CampaignCounts Counts(std::uint64_t campaign_id) = 0;
    /// Outbox rows of the campaign with id > after_id in id order, optionally of one status.
    virtual std::vector<MessageRecord> ListMessages(std::uint64_t campaign_id, const std::optional<std::string>& status,
                                                    std::uint64_t after_id, std::size_t limit) = 0;
    /// Sets `to` when the status is one of `from` and records `note` in the same transaction; returns whether it
    /// changed. With `scheduled_at` also sets that column.
    virtual bool Transition(std::uint64_t id, const std::vector<std::string>& from, const std::string& to,
                            const AuditNote& note, std::optional<domain::TimePoint> scheduled_at = std::nullopt) = 0;
    /// Records an event that is not a status change (e.g. targets added).
    virtual void RecordEvent(std::uint64_t campaign_id, const AuditNote& note) = 0;
    /// The campaign's events with id > after_id, oldest first.
    virtual std::vector<CampaignEvent> ListEvents(std::uint64_t campaign_id, std::uint64_t after_id,
                                                  std::size_t limit) = 0;
    /// Marks every unsent outbox row of the campaign cancelled (last_error 'cancelled'); returns how many.
    virtual std::uint64_t CancelUnsent(std::uint64_t campaign_id) = 0;
    /// Adds (or updates the reason of) a suppression; returns true when it is new.
    virtual bool AddSuppression(const Suppression& suppression) = 0;
    /// Removes the suppression of `address` on `channel`; false when there was none.
    virtual bool RemoveSuppression(const std::string& channel, const std::string& address) = 0;
    /// Suppressions with id > after_id in id order, optionally of one channel.
    virtual std::vector<Suppression> ListSuppressions(const std::optional<std::string>& channel, std::uint64_t after_id,
                                                      std::size_t limit) = 0;
    /// The name of the active API key whose SHA-256 is `key_hash`, if any.
    virtual std::optional<std::string> ApiKeyName(const std::string& key_hash) = 0;
};

}  // namespace bulkmsg::app
