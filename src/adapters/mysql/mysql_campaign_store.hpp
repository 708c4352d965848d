#pragma once

#include "adapters/mysql/mysql_pool.hpp"
#include "app/campaign_store.hpp"

namespace bulkmsg::mysql {

/// CampaignStore on MariaDB/MySQL (campaigns, campaign_events, api_idempotency_keys). Thread-safe.
class MysqlCampaignStore final : public app::CampaignStore {
public:
    explicit MysqlCampaignStore(MysqlPool& pool) : pool_(pool) {}

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

private:
    MysqlPool& pool_;
};

}  // namespace bulkmsg::mysql
