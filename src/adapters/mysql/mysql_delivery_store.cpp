#include "adapters/mysql/mysql_delivery_store.hpp"

#include "adapters/mysql/campaign_events.hpp"
#include "adapters/mysql/unsent_rows.hpp"

#include <map>
#include <set>

#include "domain/delivery_claim.hpp"

namespace bulkmsg::mysql {

namespace {

template <typename Row>
const Row& Deref(const Row& row) {
    return row;
}
template <typename Row>
const Row& Deref(const Row* row) {
    return *row;
}

/// Appends `CASE id WHEN 1 THEN <v1> WHEN 2 THEN <v2> END` for per-row values of a batched UPDATE; `rows` holds
/// items (or pointers to items) with an `outbox_id`, `value_of` gives each one's value to bind.
template <typename Rows, typename ValueOf>
void AddCaseById(SqlStatement& sql, const Rows& rows, ValueOf value_of) {
    sql.Add("CASE id");
    for (const auto& item : rows) {
        const auto& row = Deref(item);
        sql.Add(" WHEN ? THEN ?", row.outbox_id, value_of(row));
    }
    sql.Add(" END");
}

struct RowState {
    domain::OutboxStatus status = domain::OutboxStatus::kPending;
    std::uint64_t campaign_id = 0;
    std::string idempotency_key;
    bool within_lease = false;
    bool due = true;                // available_at has come
    bool unresolved_claim = false;  // an earlier claim's token is still on the row
    domain::OutboundMessage message;
    unsigned attempts = 0;
};

app::ClaimVerdict Verdict(const app::ClaimRequest& request, const std::map<std::uint64_t, RowState>& rows,
                          const std::map<std::uint64_t, domain::CampaignStatus>& campaign_status) {
    app::ClaimVerdict v;
    const auto it = rows.find(request.outbox_id);
    if (it == rows.end()) {
        v.reason = request.outbox_id == 0 ? "not a notification message" : "unknown outbox id";
        return v;
    }
    const auto& row = it->second;
    if (row.idempotency_key != request.idempotency_key) {
        v.reason = "idempotency key does not match the outbox row";
        return v;
    }
    using Kind = app::ClaimVerdict::Kind;
    switch (domain::DecideClaim(row.status, campaign_status.at(row.campaign_id), row.within_lease, row.due)) {
        case domain::ClaimDecision::kDeliver:
            v.kind = Kind::kDeliver;
            v.message = row.message;
            v.attempts = row.attempts;
            v.taken_over = row.unresolved_claim;
            return v;
        case domain::ClaimDecision::kDone: v.kind = Kind::kDone; return v;
        case domain::ClaimDecision::kBusy: v.kind = Kind::kBusy; return v;
        case domain::ClaimDecision::kPaused: v.kind = Kind::kPaused; return v;
        case domain::ClaimDecision::kCancelled: v.kind = Kind::kCancelled; return v;
    }
    return v;
}

/// The outbox rows of `ids` locked FOR UPDATE, by id; within_lease when claimed for sending after `lease_start`,
/// due when available_at is at or before `now`.
std::map<std::uint64_t, RowState> LockRows(MysqlConnection& c, const std::set<std::uint64_t>& ids,
                                           domain::TimePoint now, domain::TimePoint lease_start) {
    std::map<std::uint64_t, RowState> rows;
    if (ids.empty()) {
        return rows;
    }
    const auto result = c.Select(
        Sql(c,
            "SELECT id, campaign_id, idempotency_key, kind, user_ref, payload, status, attempts, traceparent, "
            "sending_at IS NOT NULL AND sending_at > ? AS within_lease, claim_token IS NOT NULL AS unresolved_claim, "
            "available_at IS NULL OR available_at <= ? AS due FROM outbox WHERE id IN (?) FOR UPDATE",
            lease_start, now, SqlList{ids}));
    const auto id = result.Column("id"), campaign = result.Column("campaign_id"),
               key = result.Column("idempotency_key"), kind = result.Column("kind"), user = result.Column("user_ref"),
               payload = result.Column("payload"), status = result.Column("status"),
               attempts = result.Column("attempts"), trace = result.Column("traceparent"),
               within_lease = result.Column("within_lease"), unresolved = result.Column("unresolved_claim"),
               due = result.Column("due");
    for (const auto r : result) {
        RowState row;
        const auto outbox_id = r.UInt(id);
        row.campaign_id = r.UInt(campaign);
        row.idempotency_key = r.Text(key);
        row.message = {outbox_id,
                       row.campaign_id,
                       row.idempotency_key,
                       r.Channel(kind),
                       r.Text(user),
                       r.Json(payload),
                       r.OptionalText(trace).value_or("")};
        row.status = r.OutboxStatusOf(status);
        row.attempts = static_cast<unsigned>(r.UInt(attempts));
        row.within_lease = r.Bool(within_lease);
        row.unresolved_claim = r.Bool(unresolved);
        row.due = r.Bool(due);
        rows.emplace(outbox_id, std::move(row));
    }
    return rows;
}

/// The status of each campaign of `rows`.
std::map<std::uint64_t, domain::CampaignStatus> CampaignStatuses(MysqlConnection& c,
                                                                 const std::map<std::uint64_t, RowState>& rows) {
    std::map<std::uint64_t, domain::CampaignStatus> statuses;
    std::set<std::uint64_t> campaigns;
    for (const auto& [id, row] : rows) {
        campaigns.insert(row.campaign_id);
    }
    if (campaigns.empty()) {
        return statuses;
    }
    const auto result = c.Select(Sql(c, "SELECT id, status FROM campaigns WHERE id IN (?)", SqlList{campaigns}));
    const auto id = result.Column("id"), status = result.Column("status");
    for (const auto row : result) {
        statuses[row.UInt(id)] = row.CampaignStatusOf(status);
    }
    return statuses;
}

/// The suppression source of a provider's permanent "this address is gone" answer, by channel.
std::string ProviderErrorSource(domain::Channel channel) {
    return "provider:" + std::string(domain::ToString(channel));
}

/// Opt-out everywhere for the addresses the providers reported gone: their unsent rows in running campaigns.
void SuppressUnsentRowsOf(MysqlConnection& c, const std::vector<domain::OutboundMessage>& suppress) {
    std::map<domain::Channel, std::vector<std::string>> by_channel;
    for (const auto& m : suppress) {
        by_channel[m.kind].push_back(m.user_ref);
    }
    for (const auto& [channel, addresses] : by_channel) {
        SuppressUnsentRows(c, channel, addresses, ProviderErrorSource(channel));
    }
}

}  // namespace

std::vector<std::string> OutcomeUpdates(const std::vector<domain::DeliveryOutcome>& outcomes, domain::TimePoint now,
                                        SqlEscaper& escaper) {
    std::map<domain::OutboxStatus, std::vector<const domain::DeliveryOutcome*>> by_status;
    for (const auto& o : outcomes) {
        by_status[o.status].push_back(&o);
    }
    using Outcome = domain::DeliveryOutcome;
    std::vector<std::string> statements;
    for (const auto& [status, rows] : by_status) {
        std::vector<std::uint64_t> ids;
        for (const auto* row : rows) {
            ids.push_back(row->outbox_id);
        }
        SqlStatement sql(&escaper, 160 * rows.size());
        sql.Add("UPDATE outbox SET status=?, claim_token=NULL, attempts=", SqlWord{domain::ToString(status)});
        AddCaseById(sql, rows, [](const Outcome& o) { return o.attempts; });
        if (status == domain::OutboxStatus::kSent) {
            sql.Add(", provider_msg_id=");
            AddCaseById(sql, rows, [](const Outcome& o) -> const std::string& { return o.provider_msg_id; });
            // The provider took it: 'accepted', unless a webhook already reported more (migration 012).
            sql.Add(", sent_at=?, last_error=NULL, delivery_status=COALESCE(delivery_status,'accepted')", now);
        } else {
            sql.Add(", last_error=");
            AddCaseById(sql, rows, [](const Outcome& o) { return std::string_view(o.last_error).substr(0, 1024); });
        }
        if (status == domain::OutboxStatus::kRetrying) {
            sql.Add(", available_at=");
            AddCaseById(sql, rows, [](const Outcome& o) { return o.available_at; });
        }
        // Only while this claim still holds the row: 'sending', or 'queued' when the poller republished it after
        // the lease but no consumer has claimed it since.
        sql.Add(" WHERE id IN (?) AND status IN ('sending','queued') AND claim_token=", SqlList{ids});
        AddCaseById(sql, rows, [](const Outcome& o) { return o.claim_token; });
        statements.push_back(std::move(sql).Text());
    }
    return statements;
}

MysqlDeliveryStore::MysqlDeliveryStore(domain::DatabaseConfig config)
    : pool_(std::move(config), 16, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED") {}

std::vector<app::ClaimVerdict> MysqlDeliveryStore::Claim(const std::vector<app::ClaimRequest>& requests,
                                                         domain::TimePoint now, std::chrono::seconds lease) {
    std::set<std::uint64_t> ids;
    for (const auto& r : requests) {
        if (r.outbox_id != 0) {
            ids.insert(r.outbox_id);
        }
    }
    return pool_.With([&](MysqlConnection& c) {
        std::vector<app::ClaimVerdict> verdicts;
        c.Execute("START TRANSACTION");
        const auto rows = LockRows(c, ids, now, now - lease);
        const auto campaign_status = CampaignStatuses(c, rows);
        std::set<std::uint64_t> deliver, paused, cancelled;
        const auto token = NewClaimToken();
        for (const auto& request : requests) {
            auto v = Verdict(request, rows, campaign_status);
            using Kind = app::ClaimVerdict::Kind;
            if (v.kind == Kind::kDeliver && !deliver.insert(request.outbox_id).second) {
                v = {};  // the same row twice in one batch: the second copy is a duplicate
                v.kind = Kind::kBusy;
            }
            if (v.kind == Kind::kDeliver) {
                v.claim_token = token;
            }
            if (v.kind == Kind::kPaused) {
                paused.insert(request.outbox_id);
            } else if (v.kind == Kind::kCancelled) {
                cancelled.insert(request.outbox_id);
            }
            verdicts.push_back(std::move(v));
        }
        if (!deliver.empty()) {
            // available_at starts the lease after which the poller republishes the row (migration 011).
            c.Execute(Sql(
                c, "UPDATE outbox SET status='sending', sending_at=?, available_at=?, claim_token=? WHERE id IN (?)",
                now, now, token, SqlList{deliver}));
        }
        if (!paused.empty()) {
            // A 'sending' row (its holder's lease ran out) stays 'sending': an earlier send may have been accepted,
            // and after resume the poller republishes it to be taken over with the sent-marker check.
            c.Execute(Sql(c, "UPDATE outbox SET status='pending' WHERE id IN (?) AND status IN ('queued','retrying')",
                          SqlList{paused}));
        }
        if (!cancelled.empty()) {
            c.Execute(
                Sql(c, "UPDATE outbox SET status='cancelled', last_error='cancelled' WHERE id IN (?) AND status IN (",
                    SqlList{cancelled}) +
                OpenStatusList() + ")");
        }
        c.Execute("COMMIT");
        return verdicts;
    });
}

void MysqlDeliveryStore::Record(const std::vector<domain::DeliveryOutcome>& outcomes,
                                const std::vector<domain::OutboundMessage>& suppress, domain::TimePoint now) {
    std::set<std::uint64_t> campaigns;
    for (const auto& o : outcomes) {
        campaigns.insert(o.campaign_id);
    }
    pool_.With([&](MysqlConnection& c) {
        c.Execute("START TRANSACTION");
        for (const auto& sql : OutcomeUpdates(outcomes, now, c)) {
            c.Execute(sql);
        }
        if (!suppress.empty()) {
            SqlStatement sql(&c);
            sql.Add(
                "INSERT IGNORE INTO suppressions (channel, address, reason, source, campaign_id, outbox_id) VALUES ");
            for (const auto& m : suppress) {
                sql.Add(&m == &suppress.front() ? "(?,?,'reported by the provider',?,?,?)"
                                                : ",(?,?,'reported by the provider',?,?,?)",
                        m.kind, m.user_ref, ProviderErrorSource(m.kind), m.campaign_id, m.outbox_id);
            }
            c.Execute(sql.Text());
        }
        c.Execute("COMMIT");
        SuppressUnsentRowsOf(c, suppress);
        // After the commit and without locking reads: inside the transaction the NOT EXISTS would take shared
        // locks on outbox rows and the campaign row, and concurrent workers would deadlock on them.
        for (const auto campaign : campaigns) {
            if (!c.QueryValue(Sql(c, "SELECT 1 FROM outbox WHERE campaign_id=? AND status IN (", campaign) +
                              OpenStatusList() + ") LIMIT 1")) {
                MarkCompleted(c, campaign);
            }
        }
        return 0;
    });
}

void MysqlDeliveryStore::MarkCompleted(MysqlConnection& c, std::uint64_t campaign) {
    c.Execute("START TRANSACTION");
    if (c.Execute(Sql(c, "UPDATE campaigns SET status='completed' WHERE id=? AND status='running'", campaign)) > 0) {
        nlohmann::json counts = nlohmann::json::object();
        const auto result =
            c.Select(Sql(c, "SELECT status, COUNT(*) AS n FROM outbox WHERE campaign_id=? GROUP BY status", campaign));
        const auto status = result.Column("status"), n = result.Column("n");
        for (const auto row : result) {
            counts[row.Status(status)] = row.UInt(n);
        }
        InsertCampaignEvent(c, campaign, {"completed", "consumer", counts});
    }
    c.Execute("COMMIT");
}

void MysqlDeliveryStore::Release(const std::vector<app::HeldRow>& rows) {
    if (rows.empty()) {
        return;
    }
    std::vector<std::uint64_t> ids;
    for (const auto& row : rows) {
        ids.push_back(row.outbox_id);
    }
    pool_.With([&](MysqlConnection& c) {
        SqlStatement sql(&c);
        sql.Add(
            "UPDATE outbox SET status='queued', claim_token=NULL WHERE id IN (?) AND status='sending' AND claim_token=",
            SqlList{ids});
        AddCaseById(sql, rows, [](const app::HeldRow& row) { return row.claim_token; });
        return c.Execute(sql.Text());
    });
}

std::uint64_t MysqlDeliveryStore::NewClaimToken() {
    std::lock_guard lock(random_mutex_);
    return random_() | 1;  // never 0, which outcomes without a claim carry
}

}  // namespace bulkmsg::mysql
