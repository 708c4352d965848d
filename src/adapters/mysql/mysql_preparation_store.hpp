#pragma once

#include <memory>

#include "adapters/mysql/mysql_pool.hpp"
#include "app/preparation_store.hpp"

namespace bulkmsg::mysql {

/// The read of one batch of a campaign's targets in id order (keyset: ids after `after_target_id`). Exposed so a test
/// can EXPLAIN exactly what runs.
std::string TargetsPageSql(std::uint64_t campaign_id, std::uint64_t after_target_id, std::size_t limit);

/// The lookup of the suppressions that match any of `targets` (not empty) by channel and address. Exposed so a
/// test can EXPLAIN exactly what runs.
std::string SuppressionsOfSql(MysqlConnection& c, const std::vector<app::StoredTarget>& targets);

/// PreparationStore on MariaDB/MySQL. One connection for the work and one that only holds the scheduler's
/// named lock (GET_LOCK; released by the server when that connection ends, e.g. when the process dies).
/// A connection is dropped after an error and reopened on next use. Not thread-safe.
class MysqlPreparationStore final : public app::PreparationStore {
public:
    explicit MysqlPreparationStore(domain::DatabaseConfig config);
    ~MysqlPreparationStore() override;

    std::optional<domain::CampaignContent> LoadCampaign(std::uint64_t campaign_id) override;
    std::string CampaignTraceparent(std::uint64_t campaign_id) override;
    std::vector<app::StoredTarget> TargetsAfter(std::uint64_t campaign_id, std::uint64_t after_target_id,
                                                std::size_t limit) override;
    std::map<std::uint64_t, std::string> Suppressed(const std::vector<app::StoredTarget>& targets) override;
    std::size_t InsertOutbox(const std::vector<app::OutboxInsert>& rows) override;
    std::vector<std::uint64_t> StartDueCampaigns(domain::TimePoint now, std::chrono::seconds max_lateness) override;
    void FinishPreparation(std::uint64_t campaign_id, bool ok) override;
    bool TryAcquireSchedulerLock() override;

private:
    domain::DatabaseConfig config_;
    MysqlPool pool_;  // one connection for the work
    std::unique_ptr<MysqlConnection> lock_;
};

}  // namespace bulkmsg::mysql
