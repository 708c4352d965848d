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

/// OutboxStore on MariaDB/MySQL. Owns one connection, opened on first use and reopened after any error
/// (a failed statement may have left it broken). Not thread-safe: one store per poller thread.
class MysqlOutboxStore final : public app::OutboxStore {
public:
    explicit MysqlOutboxStore(domain::DatabaseConfig config);
    ~MysqlOutboxStore() override;

    std::unique_ptr<app::OutboxClaim> Claim(domain::ClaimKind kind, domain::TimePoint now, std::chrono::seconds lease,
                                            std::size_t limit) override;
    std::map<std::string, std::uint64_t> CountByStatus() override;

    /// Runs `sql` on the store's connection, dropping the connection if it fails.
    std::vector<Row> Run(const std::string& sql);
    /// Like Run for a statement without rows; returns the affected row count.
    std::uint64_t Execute(const std::string& sql);

private:
    template <typename Work>
    auto Guarded(Work work);
    MysqlConnection& Connection();
    domain::DatabaseConfig config_;
    std::unique_ptr<MysqlConnection> connection_;
};

}  // namespace bulkmsg::mysql
