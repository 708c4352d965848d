#include "adapters/mysql/mysql_outbox_store.hpp"

#include <cstdio>
#include <ctime>

#include "domain/outbox_row.hpp"

namespace bulkmsg::mysql {

std::string SqlTime(domain::TimePoint time) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
    std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d %02d:%02d:%02d.%06lld", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros % 1000000));
    return buffer;
}

const std::string& OpenStatusList() {
    static const std::string list = [] {
        std::string out;
        for (const auto& status : domain::kOutboxStatuses) {
            if (!domain::IsFinalStatus(status)) {
                out += (out.empty() ? "'" : ",'") + status + "'";
            }
        }
        return out;
    }();
    return list;
}

namespace {

constexpr const char* kClaimColumns = "SELECT id, campaign_id, user_ref, kind, idempotency_key, attempts, traceparent";

const char* StatusOf(domain::ClaimKind kind) {
    switch (kind) {
        case domain::ClaimKind::kPending: return "pending";
        case domain::ClaimKind::kDueRetry: return "retrying";
        case domain::ClaimKind::kStaleQueued: return "queued";
        case domain::ClaimKind::kStaleSending: return "sending";
    }
    return "pending";
}

// An open claim transaction on a connection of its own. The connection goes back to the store's pool
// when the claim commits or rolls back cleanly; after an error it is closed, which makes the server roll
// the transaction back.
class MysqlOutboxClaim final : public app::OutboxClaim {
public:
    MysqlOutboxClaim(MysqlPool& store, std::unique_ptr<MysqlConnection> connection, std::vector<domain::OutboxRow> rows,
                     domain::ClaimKind kind)
        : store_(store), connection_(std::move(connection)), rows_(std::move(rows)), kind_(kind) {}

    ~MysqlOutboxClaim() override {
        if (connection_) {
            try {
                connection_->Execute("ROLLBACK");
                store_.Release(std::move(connection_));
            } catch (const std::exception&) {
                // Closing the connection rolls the transaction back on the server.
            }
        }
    }

    const std::vector<domain::OutboxRow>& Rows() const override { return rows_; }

    std::size_t CommitQueued(const std::vector<std::uint64_t>& ids, domain::TimePoint now) override {
        auto connection = std::move(connection_);
        std::size_t updated = 0;
        if (!ids.empty()) {
            const auto at = "'" + SqlTime(now) + "'";
            updated =
                connection->Execute("UPDATE outbox SET status='queued', queued_at=" + at + ", available_at=" + at +
                                    " WHERE id IN (" + IdList(ids) + ") AND status='" + StatusOf(kind_) + "'");
        }
        connection->Execute("COMMIT");
        store_.Release(std::move(connection));
        return updated;
    }

private:
    MysqlPool& store_;
    std::unique_ptr<MysqlConnection> connection_;
    std::vector<domain::OutboxRow> rows_;
    domain::ClaimKind kind_;
};

domain::OutboxRow ToOutboxRow(const Row& row) {
    return {std::stoull(row[0].value_or("0")),
            std::stoull(row[1].value_or("0")),
            row[2].value_or(""),
            row[3].value_or(""),
            row[4].value_or(""),
            static_cast<unsigned>(std::stoul(row[5].value_or("0"))),
            row[6].value_or("")};
}

}  // namespace

std::string ClaimSql(domain::ClaimKind kind, domain::TimePoint now, std::chrono::seconds lease, std::size_t limit,
                     const std::vector<std::string>& excluded_campaigns) {
    // available_at is the due time of pending and retrying rows and the start of the lease of queued and sending
    // ones (migration 011), so every kind follows idx_outbox_claim.
    const bool stale = kind == domain::ClaimKind::kStaleQueued || kind == domain::ClaimKind::kStaleSending;
    std::string sql = std::string(kClaimColumns) + " FROM outbox WHERE status='" + StatusOf(kind) +
                      "' AND available_at <= '" + SqlTime(stale ? now - lease : now) + "'";
    if (!excluded_campaigns.empty()) {
        sql += " AND campaign_id NOT IN (" + IdList(excluded_campaigns) + ")";
    }
    return sql + " ORDER BY available_at, id LIMIT " + std::to_string(limit) + " FOR UPDATE SKIP LOCKED";
}

// READ COMMITTED: rows the claim scans but does not return are not kept locked (semi-consistent reads).
MysqlOutboxStore::MysqlOutboxStore(domain::DatabaseConfig config)
    : pool_(std::move(config), 16, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED") {}

MysqlOutboxStore::~MysqlOutboxStore() = default;

const std::vector<std::string>& MysqlOutboxStore::ExcludedCampaigns(MysqlConnection& connection,
                                                                    domain::TimePoint now) {
    if (!excluded_read_at_ || now - *excluded_read_at_ >= std::chrono::seconds(1) || now < *excluded_read_at_) {
        excluded_.clear();
        for (const auto& row : connection.Query("SELECT id FROM campaigns WHERE status IN ('paused','cancelled')")) {
            excluded_.push_back(row[0].value_or("0"));
        }
        excluded_read_at_ = now;
    }
    return excluded_;
}

std::unique_ptr<app::OutboxClaim> MysqlOutboxStore::Claim(domain::ClaimKind kind, domain::TimePoint now,
                                                          std::chrono::seconds lease, std::size_t limit) {
    auto connection = pool_.Acquire();
    const auto sql = ClaimSql(kind, now, lease, limit, ExcludedCampaigns(*connection, now));
    connection->Execute("START TRANSACTION");
    std::vector<domain::OutboxRow> rows;
    for (const auto& row : connection->Query(sql)) {
        rows.push_back(ToOutboxRow(row));
    }
    return std::make_unique<MysqlOutboxClaim>(pool_, std::move(connection), std::move(rows), kind);
}

}  // namespace bulkmsg::mysql
