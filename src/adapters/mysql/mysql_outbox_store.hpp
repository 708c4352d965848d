#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapters/mysql/mysql_connection.hpp"
#include "app/outbox_store.hpp"

namespace bulkmsg::mysql {

/// "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, for DATETIME(6) literals.
std::string SqlTime(domain::TimePoint time);

/// The claim statement for `kind`: index-ordered, LIMIT `limit`, FOR UPDATE SKIP LOCKED, without rows of
/// `excluded_campaigns`. Exposed so a test can EXPLAIN exactly what runs.
std::string ClaimSql(domain::ClaimKind kind, domain::TimePoint now, std::chrono::seconds lease, std::size_t limit,
                     const std::vector<std::string>& excluded_campaigns);

/// OutboxStore on MariaDB/MySQL, READ COMMITTED. Each open claim holds its own connection (so a poller may
/// keep several batches in flight); connections return to a small idle pool when a claim ends cleanly and
/// are dropped after any error (a failed statement may have left one broken). Not thread-safe: one store
/// per poller thread.
class MysqlOutboxStore final : public app::OutboxStore {
public:
    explicit MysqlOutboxStore(domain::DatabaseConfig config);
    ~MysqlOutboxStore() override;

    std::unique_ptr<app::OutboxClaim> Claim(domain::ClaimKind kind, domain::TimePoint now, std::chrono::seconds lease,
                                            std::size_t limit) override;
    std::map<std::string, std::uint64_t> CountByStatus() override;

    /// A pooled connection, or a new one.
    std::unique_ptr<MysqlConnection> Acquire();
    /// Returns a healthy connection to the pool.
    void Release(std::unique_ptr<MysqlConnection> connection);

private:
    domain::DatabaseConfig config_;
    std::vector<std::unique_ptr<MysqlConnection>> idle_;
};

}  // namespace bulkmsg::mysql
