#include "adapters/mysql/mysql_outbox_store.hpp"

#include <stdexcept>

#include "domain/outbox_row.hpp"
#include "domain/outbox_status.hpp"

namespace bulkmsg::mysql {

namespace {

constexpr std::string_view kClaimColumns =
    "SELECT id, campaign_id, user_ref, kind, idempotency_key, attempts, traceparent";

std::string_view StatusOf(domain::ClaimKind kind) {
    using domain::OutboxStatus;
    switch (kind) {
        case domain::ClaimKind::kPending: return ToString(OutboxStatus::kPending);
        case domain::ClaimKind::kDueRetry: return ToString(OutboxStatus::kRetrying);
        case domain::ClaimKind::kStaleQueued: return ToString(OutboxStatus::kQueued);
        case domain::ClaimKind::kStaleSending: return ToString(OutboxStatus::kSending);
    }
    return ToString(OutboxStatus::kPending);
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
            updated = connection->Execute(SqlStatement(nullptr, 64 + 12 * ids.size())
                                              .Add("UPDATE outbox SET status='queued', queued_at=?, available_at=? "
                                                   "WHERE id IN (?) AND status=?",
                                                   now, now, SqlList{ids}, SqlWord{StatusOf(kind_)})
                                              .Text());
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

/// The claimed rows, read by column name (resolved once for the whole batch).
std::vector<domain::OutboxRow> ToOutboxRows(const SqlResult& result) {
    const auto id = result.Column("id"), campaign = result.Column("campaign_id"), user = result.Column("user_ref"),
               kind = result.Column("kind"), key = result.Column("idempotency_key"),
               attempts = result.Column("attempts"), trace = result.Column("traceparent");
    std::vector<domain::OutboxRow> rows;
    rows.reserve(result.size());
    for (const auto row : result) {
        rows.push_back({row.UInt(id), row.UInt(campaign), row.Text(user),
                        std::string(domain::ToString(row.Channel(kind))), row.Text(key),
                        static_cast<unsigned>(row.UInt(attempts)), row.OptionalText(trace).value_or("")});
    }
    return rows;
}

}  // namespace

std::string ClaimSql(domain::ClaimKind kind, domain::TimePoint now, std::chrono::seconds lease, std::size_t limit,
                     const std::vector<std::string>& excluded_campaigns) {
    // available_at is the due time of pending and retrying rows and the start of the lease of queued and sending
    // ones (migration 011), so every kind follows idx_outbox_claim.
    const bool stale = kind == domain::ClaimKind::kStaleQueued || kind == domain::ClaimKind::kStaleSending;
    SqlStatement sql;
    sql.Add(kClaimColumns)
        .Add(" FROM outbox WHERE status=? AND available_at <= ?", SqlWord{StatusOf(kind)}, stale ? now - lease : now);
    if (!excluded_campaigns.empty()) {
        std::vector<std::uint64_t> ids;
        for (const auto& id : excluded_campaigns) {
            const auto parsed = ParseSqlUInt(id);
            if (!parsed) {
                throw std::invalid_argument("not a campaign id: " + id);
            }
            ids.push_back(*parsed);
        }
        sql.Add(" AND campaign_id NOT IN (?)", SqlList{ids});
    }
    return std::move(sql.Add(" ORDER BY available_at, id LIMIT ? FOR UPDATE SKIP LOCKED", limit)).Text();
}

// READ COMMITTED: rows the claim scans but does not return are not kept locked (semi-consistent reads).
MysqlOutboxStore::MysqlOutboxStore(domain::DatabaseConfig config)
    : pool_(std::move(config), 16, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED") {}

MysqlOutboxStore::~MysqlOutboxStore() = default;

const std::vector<std::string>& MysqlOutboxStore::ExcludedCampaigns(MysqlConnection& connection,
                                                                    domain::TimePoint now) {
    if (!excluded_read_at_ || now - *excluded_read_at_ >= std::chrono::seconds(1) || now < *excluded_read_at_) {
        excluded_.clear();
        const auto result = connection.Select("SELECT id FROM campaigns WHERE status IN ('paused','cancelled')");
        const auto id = result.Column("id");
        for (const auto row : result) {
            excluded_.push_back(std::to_string(row.UInt(id)));
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
    auto rows = ToOutboxRows(connection->Select(sql));
    return std::make_unique<MysqlOutboxClaim>(pool_, std::move(connection), std::move(rows), kind);
}

}  // namespace bulkmsg::mysql
