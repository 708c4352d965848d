#include "adapters/mysql/mysql_delivery_store.hpp"

#include "adapters/mysql/campaign_events.hpp"

#include <map>
#include <set>

#include "adapters/mysql/mysql_outbox_store.hpp"
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

/// `CASE id WHEN 1 THEN <v1> WHEN 2 THEN <v2> END` for per-row values of a batched UPDATE; `rows` holds items
/// (or pointers to items) with an `outbox_id`.
template <typename Rows, typename ValueOf>
std::string CaseById(const Rows& rows, ValueOf value_of) {
    std::string sql = "CASE id";
    for (const auto& item : rows) {
        const auto& row = Deref(item);
        sql += " WHEN " + std::to_string(row.outbox_id) + " THEN " + value_of(row);
    }
    return sql + " END";
}

struct RowState {
    std::string status;
    std::uint64_t campaign_id = 0;
    std::string idempotency_key;
    bool within_lease = false;
    bool unresolved_claim = false;  // an earlier claim's token is still on the row
    domain::OutboundMessage message;
    unsigned attempts = 0;
};

app::ClaimVerdict Verdict(const app::ClaimRequest& request, const std::map<std::uint64_t, RowState>& rows,
                          const std::map<std::uint64_t, std::string>& campaign_status) {
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
    switch (domain::DecideClaim(row.status, campaign_status.at(row.campaign_id), row.within_lease)) {
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

}  // namespace

std::vector<std::string> OutcomeUpdates(const std::vector<domain::DeliveryOutcome>& outcomes, domain::TimePoint now,
                                        const std::function<std::string(std::string_view)>& quote) {
    std::map<std::string, std::vector<const domain::DeliveryOutcome*>> by_status;
    for (const auto& o : outcomes) {
        by_status[o.status].push_back(&o);
    }
    auto attempts = [](const domain::DeliveryOutcome& o) { return std::to_string(o.attempts); };
    auto error = [&quote](const domain::DeliveryOutcome& o) { return quote(o.last_error.substr(0, 1024)); };
    auto token = [](const domain::DeliveryOutcome& o) { return std::to_string(o.claim_token); };
    std::vector<std::string> statements;
    for (const auto& [status, rows] : by_status) {
        std::vector<std::uint64_t> ids;
        for (const auto* row : rows) {
            ids.push_back(row->outbox_id);
        }
        std::string set = "status='" + status + "', claim_token=NULL, attempts=" + CaseById(rows, attempts);
        if (status == "sent") {
            set += ", provider_msg_id=" +
                   CaseById(rows, [&quote](const domain::DeliveryOutcome& o) { return quote(o.provider_msg_id); }) +
                   ", sent_at='" + SqlTime(now) + "', last_error=NULL";
        } else {
            set += ", last_error=" + CaseById(rows, error);
        }
        if (status == "retrying") {
            set += ", available_at=" +
                   CaseById(rows, [](const domain::DeliveryOutcome& o) { return "'" + SqlTime(o.available_at) + "'"; });
        }
        // Only while this claim still holds the row: 'sending', or 'queued' when the poller republished it after
        // the lease but no consumer has claimed it since.
        statements.push_back("UPDATE outbox SET " + set + " WHERE id IN (" + IdList(ids) +
                             ") AND status IN ('sending','queued') AND claim_token=" + CaseById(rows, token));
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
        std::map<std::uint64_t, RowState> rows;
        std::map<std::uint64_t, std::string> campaign_status;
        std::vector<app::ClaimVerdict> verdicts;
        c.Execute("START TRANSACTION");
        if (!ids.empty()) {
            for (const auto& r :
                 c.Query("SELECT id, campaign_id, idempotency_key, kind, user_ref, payload, status, attempts, "
                         "COALESCE(traceparent, ''), sending_at IS NOT NULL AND sending_at > '" +
                         SqlTime(now - lease) + "', claim_token IS NOT NULL FROM outbox WHERE id IN (" + IdList(ids) +
                         ") FOR UPDATE")) {
                RowState row;
                const auto id = std::stoull(r[0].value_or("0"));
                row.campaign_id = std::stoull(r[1].value_or("0"));
                row.idempotency_key = r[2].value_or("");
                row.message = {id,
                               row.campaign_id,
                               row.idempotency_key,
                               domain::ParseChannel(r[3].value_or("email")).value_or(domain::Channel::kEmail),
                               r[4].value_or(""),
                               nlohmann::json::parse(r[5].value_or("{}"), nullptr, false),
                               r[8].value_or("")};
                row.status = r[6].value_or("");
                row.attempts = static_cast<unsigned>(std::stoul(r[7].value_or("0")));
                row.within_lease = r[9].value_or("0") == "1";
                row.unresolved_claim = r[10].value_or("0") == "1";
                rows.emplace(id, std::move(row));
            }
        }
        std::set<std::uint64_t> campaigns;
        for (const auto& [id, row] : rows) {
            campaigns.insert(row.campaign_id);
        }
        if (!campaigns.empty()) {
            for (const auto& r : c.Query("SELECT id, status FROM campaigns WHERE id IN (" + IdList(campaigns) + ")")) {
                campaign_status[std::stoull(r[0].value_or("0"))] = r[1].value_or("");
            }
        }
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
            const auto at = "'" + SqlTime(now) + "'";
            c.Execute("UPDATE outbox SET status='sending', sending_at=" + at + ", available_at=" + at +
                      ", claim_token=" + std::to_string(token) + " WHERE id IN (" + IdList(deliver) + ")");
        }
        if (!paused.empty()) {
            // A 'sending' row (its holder's lease ran out) stays 'sending': an earlier send may have been accepted,
            // and after resume the poller republishes it to be taken over with the sent-marker check.
            c.Execute("UPDATE outbox SET status='pending' WHERE id IN (" + IdList(paused) +
                      ") AND status IN ('queued','retrying')");
        }
        if (!cancelled.empty()) {
            c.Execute("UPDATE outbox SET status='cancelled', last_error='cancelled' WHERE id IN (" + IdList(cancelled) +
                      ") AND status IN (" + OpenStatusList() + ")");
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
        for (const auto& sql : OutcomeUpdates(outcomes, now, [&c](std::string_view value) { return c.Quote(value); })) {
            c.Execute(sql);
        }
        if (!suppress.empty()) {
            std::string values;
            for (const auto& m : suppress) {
                values += std::string(values.empty() ? "" : ",") + "('" + std::string(domain::ToString(m.kind)) + "'," +
                          c.Quote(m.user_ref) + ",'reported by the provider')";
            }
            c.Execute("INSERT IGNORE INTO suppressions (channel, address, reason) VALUES " + values);
        }
        c.Execute("COMMIT");
        // After the commit and without locking reads: inside the transaction the NOT EXISTS would take shared
        // locks on outbox rows and the campaign row, and concurrent workers would deadlock on them.
        for (const auto campaign : campaigns) {
            const auto id = std::to_string(campaign);
            if (!c.QueryValue("SELECT 1 FROM outbox WHERE campaign_id=" + id + " AND status IN (" + OpenStatusList() +
                              ") LIMIT 1")) {
                MarkCompleted(c, campaign);
            }
        }
        return 0;
    });
}

void MysqlDeliveryStore::MarkCompleted(MysqlConnection& c, std::uint64_t campaign) {
    const auto id = std::to_string(campaign);
    c.Execute("START TRANSACTION");
    if (c.Execute("UPDATE campaigns SET status='completed' WHERE id=" + id + " AND status='running'") > 0) {
        nlohmann::json counts = nlohmann::json::object();
        for (const auto& row :
             c.Query("SELECT status, COUNT(*) FROM outbox WHERE campaign_id=" + id + " GROUP BY status")) {
            counts[row[0].value_or("")] = std::stoull(row[1].value_or("0"));
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
    const auto tokens = CaseById(rows, [](const app::HeldRow& row) { return std::to_string(row.claim_token); });
    pool_.With([&](MysqlConnection& c) {
        return c.Execute("UPDATE outbox SET status='queued', claim_token=NULL WHERE id IN (" + IdList(ids) +
                         ") AND status='sending' AND claim_token=" + tokens);
    });
}

std::uint64_t MysqlDeliveryStore::NewClaimToken() {
    std::lock_guard lock(random_mutex_);
    return random_() | 1;  // never 0, which outcomes without a claim carry
}

}  // namespace bulkmsg::mysql
