#pragma once

// In-memory fakes of the API's store ports, for unit tests of the services and the HTTP layer (no server).
// Each can be made to fail like a server that is down (`down = "database"`), to test the error policy.

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/api_key_store.hpp"
#include "app/campaign_store.hpp"
#include "app/message_store.hpp"
#include "app/progress_cache.hpp"
#include "app/suppression_store.hpp"
#include "app/target_store.hpp"

namespace bulkmsg::testing {

/// Throws app::DependencyError(outage) naming `down` when it is set.
class Outage {
public:
    std::optional<std::string> down;

protected:
    void ThrowIfDown() const;
};

class InMemoryCampaignStore final : public app::CampaignStore, public Outage {
public:
    app::CreateResult CreateCampaign(const domain::NewCampaign& campaign,
                                     const std::optional<app::IdempotentRequest>& idempotency,
                                     const std::string& actor) override;
    std::optional<app::CampaignRecord> GetCampaign(std::uint64_t id) override;
    std::vector<app::CampaignRecord> ListCampaigns(std::uint64_t before_id, std::size_t limit,
                                                   std::optional<domain::CampaignStatus> status) override;
    bool Transition(std::uint64_t id, const app::StatusChange& change) override;
    void RecordEvent(std::uint64_t campaign_id, const app::AuditNote& note) override;
    std::vector<app::CampaignEvent> ListEvents(std::uint64_t campaign_id, std::uint64_t after_id,
                                               std::size_t limit) override;

    /// Puts a campaign of `status` in the store (as the poller or consumer would have moved it); returns its id.
    std::uint64_t Add(domain::CampaignStatus status, domain::Channel kind = domain::Channel::kEmail);

private:
    std::mutex mutex_;
    std::map<std::uint64_t, app::CampaignRecord> campaigns_;
    std::vector<std::pair<std::uint64_t, app::CampaignEvent>> events_;
    std::map<std::pair<std::string, std::string>, std::pair<std::string, std::uint64_t>> idempotency_;
};

class InMemoryTargetStore final : public app::TargetStore, public Outage {
public:
    app::TargetInsertResult InsertTargets(std::uint64_t campaign_id,
                                          const std::vector<domain::Target>& targets) override;
    std::size_t Count(std::uint64_t campaign_id);

private:
    std::mutex mutex_;
    std::map<std::uint64_t, std::set<std::pair<std::string, domain::Channel>>> targets_;
};

class InMemoryMessageStore final : public app::MessageStore, public Outage {
public:
    app::CampaignCounts Counts(std::uint64_t campaign_id) override;
    std::vector<app::MessageRecord> ListMessages(std::uint64_t campaign_id, const app::MessageFilter& filter,
                                                 std::uint64_t after_id, std::size_t limit) override;
    std::uint64_t CancelUnsent(std::uint64_t campaign_id) override;

    /// Adds an outbox row of `status` to the campaign.
    void Add(std::uint64_t campaign_id, domain::OutboxStatus status);
    std::size_t counted = 0;  // how many times Counts ran

private:
    std::mutex mutex_;
    std::map<std::uint64_t, std::vector<app::MessageRecord>> rows_;
};

class InMemorySuppressionStore final : public app::SuppressionStore, public Outage {
public:
    bool AddSuppression(const app::Suppression& suppression) override;
    bool RemoveSuppression(domain::Channel channel, const std::string& address) override;
    std::vector<app::Suppression> ListSuppressions(std::optional<domain::Channel> channel,
                                                   const std::string& address_prefix, std::uint64_t after_id,
                                                   std::size_t limit) override;
    std::size_t SuppressUnsentRows(domain::Channel channel, const std::string& address,
                                   const std::string& source) override;
    std::optional<std::string> UnsubscribeAddress(const domain::UnsubscribeSubject& subject) override;

    /// A target unsubscribe tokens can name.
    void AddTarget(const domain::UnsubscribeSubject& subject, const std::string& address);
    /// Every SuppressUnsentRows call as "channel:address:source".
    std::vector<std::string> OptOuts() const;

private:
    mutable std::mutex mutex_;
    std::vector<app::Suppression> rows_;
    std::vector<std::pair<domain::UnsubscribeSubject, std::string>> targets_;
    std::vector<std::string> opt_outs_;
    std::uint64_t next_id_ = 1;
};

/// Knows the keys given to Add (by their SHA-256, as the real store).
class InMemoryApiKeyStore final : public app::ApiKeyStore, public Outage {
public:
    void Add(const std::string& key, const std::string& name);
    std::optional<std::string> ApiKeyName(const std::string& key_hash) override;

private:
    std::map<std::string, std::string> names_;
};

/// A progress cache that keeps documents until forgotten and records what was forgotten.
class InMemoryProgressCache final : public app::ProgressCache {
public:
    std::optional<std::string> Get(std::uint64_t campaign_id) override;
    void Put(std::uint64_t campaign_id, const std::string& progress_json, std::chrono::seconds ttl) override;
    void Forget(std::uint64_t campaign_id) override;
    domain::DoneSample RecordSample(std::uint64_t campaign_id, const domain::DoneSample& sample,
                                    std::chrono::seconds window) override;

    std::vector<std::uint64_t> forgotten;

private:
    std::map<std::uint64_t, std::string> documents_;
};

/// Every store the HTTP API works on (api::ApiStores), in memory.
struct InMemoryApiStores {
    InMemoryCampaignStore campaigns;
    InMemoryTargetStore targets;
    InMemoryMessageStore messages;
    InMemorySuppressionStore suppressions;
    InMemoryApiKeyStore keys;
};

}  // namespace bulkmsg::testing
