#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapters/mysql/mysql_pool.hpp"
#include "app/outbox_store.hpp"

namespace bulkmsg::mysql {

/// The claim statement for `kind`: index-ordered, LIMIT `limit`, FOR UPDATE SKIP LOCKED, without rows of
/// `excluded_campaigns` (ids in decimal digits; anything else throws std::invalid_argument). Exposed so a test can
/// EXPLAIN exactly what runs.
std::string ClaimSql(domain::ClaimKind kind, domain::TimePoint now, std::chrono::seconds lease, std::size_t limit,
                     const std::vector<std::string>& excluded_campaigns);

/// OutboxStore on MariaDB/MySQL, READ COMMITTED. Each open claim holds its own pooled connection (so a poller
/// may keep several batches in flight); it goes back to the pool when the claim ends cleanly and is dropped
/// after any error (a failed statement may have left it broken). Not thread-safe: one store per poller thread.
class MysqlOutboxStore final : public app::OutboxStore {
public:
    explicit MysqlOutboxStore(domain::DatabaseConfig config);
    ~MysqlOutboxStore() override;

    std::unique_ptr<app::OutboxClaim> Claim(domain::ClaimKind kind, domain::TimePoint now, std::chrono::seconds lease,
                                            std::size_t limit) override;

private:
    /// Ids of paused and cancelled campaigns, read again when the last read is a second old at `now`
    /// (a pause takes effect within a second without a query per claim).
    const std::vector<std::string>& ExcludedCampaigns(MysqlConnection& connection, domain::TimePoint now);

    MysqlPool pool_;
    std::vector<std::string> excluded_;
    std::optional<domain::TimePoint> excluded_read_at_;
};

}  // namespace bulkmsg::mysql
