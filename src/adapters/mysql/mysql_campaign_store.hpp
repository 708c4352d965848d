#pragma once

#include "adapters/mysql/mysql_pool.hpp"
#include "app/campaign_store.hpp"

namespace bulkmsg::mysql {

/// One page of a campaign's outbox rows in id order (keyset: ids after `after_id`), of one status when given.
/// Exposed so a test can EXPLAIN exactly what runs.
std::string MessagesPageSql(MysqlConnection& c, std::uint64_t campaign_id, const std::optional<std::string>& status,
                            std::uint64_t after_id, std::size_t limit);

/// CampaignStore on MariaDB/MySQL through a connection pool. Thread-safe.
class MysqlCampaignStore final : public app::CampaignStore {
public:
    explicit MysqlCampaignStore(domain::DatabaseConfig config);

    app::CreateResult CreateCampaign(const domain::NewCampaign& campaign,
                                     const std::optional<app::IdempotentRequest>& idempotency,
                                     const std::string& actor) override;
    std::optional<app::CampaignRecord> GetCampaign(std::uint64_t id) override;
    std::vector<app::CampaignRecord> ListCampaigns(std::uint64_t before_id, std::size_t limit,
                                                   const std::optional<std::string>& status) override;
    app::TargetInsertResult InsertTargets(std::uint64_t campaign_id,
                                          const std::vector<domain::Target>& targets) override;
    app::CampaignCounts Counts(std::uint64_t campaign_id) override;
    std::vector<app::MessageRecord> ListMessages(std::uint64_t campaign_id, const std::optional<std::string>& status,
                                                 std::uint64_t after_id, std::size_t limit) override;
    bool Transition(std::uint64_t id, const std::vector<std::string>& from, const std::string& to,
                    const app::AuditNote& note, std::optional<domain::TimePoint> scheduled_at) override;
    void RecordEvent(std::uint64_t campaign_id, const app::AuditNote& note) override;
    std::vector<app::CampaignEvent> ListEvents(std::uint64_t campaign_id, std::uint64_t after_id,
                                               std::size_t limit) override;
    std::uint64_t CancelUnsent(std::uint64_t campaign_id) override;
    bool AddSuppression(const app::Suppression& suppression) override;
    bool RemoveSuppression(const std::string& channel, const std::string& address) override;
    std::vector<app::Suppression> ListSuppressions(const std::optional<std::string>& channel, std::uint64_t after_id,
                                                   std::size_t limit) override;
    std::optional<std::string> ApiKeyName(const std::string& key_hash) override;

private:
    MysqlPool pool_;
};

}  // namespace bulkmsg::mysql
