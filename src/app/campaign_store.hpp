#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/campaign_request.hpp"
#include "domain/campaign_status.hpp"

namespace bulkmsg::app {

/// A campaign as the API returns it.
struct CampaignRecord {
    std::uint64_t id = 0;
    std::string name;
    domain::CampaignStatus status = domain::CampaignStatus::kDraft;
    std::optional<std::string> status_reason;  // e.g. a missed schedule waiting for prepare
    domain::CampaignContent content;
    std::optional<domain::TimePoint> scheduled_at;
    domain::TimePoint created_at;
    domain::TimePoint updated_at;
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

/// A status change: from one of `from` to `to`, with its audit note and, for a schedule, the new time.
struct StatusChange {
    std::vector<domain::CampaignStatus> from;
    domain::CampaignStatus to;
    AuditNote note;
    std::optional<domain::TimePoint> scheduled_at;
};

/// Campaigns and their audit trail (port). Thread-safe. Throws app::DependencyError when the store is down.
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
                                                      std::optional<domain::CampaignStatus> status) = 0;
    /// Applies `change` when the status is one of its `from` and records its note in the same transaction;
    /// returns whether it changed.
    virtual bool Transition(std::uint64_t id, const StatusChange& change) = 0;
    /// Records an event that is not a status change (e.g. targets added).
    virtual void RecordEvent(std::uint64_t campaign_id, const AuditNote& note) = 0;
    /// The campaign's events with id > after_id, oldest first.
    virtual std::vector<CampaignEvent> ListEvents(std::uint64_t campaign_id, std::uint64_t after_id,
                                                  std::size_t limit) = 0;
};

}  // namespace bulkmsg::app
