#include "adapters/mysql/mysql_preparation_store.hpp"

#include "adapters/mysql/campaign_events.hpp"

#include <algorithm>

#include "adapters/mysql/keyset_page.hpp"
#include "domain/campaign_status.hpp"
#include "domain/outbox_status.hpp"

namespace bulkmsg::mysql {

std::string TargetsPageSql(std::uint64_t campaign_id, std::uint64_t after_target_id, std::size_t limit) {
    return KeysetPageSql("id, user_ref, kind, timezone, metadata", "campaign_targets", "idx_targets_campaign_id",
                         SqlStatement().Add("campaign_id=?", campaign_id).Text(), after_target_id, limit);
}

std::string SuppressionsOfSql(MysqlConnection& c, const std::vector<app::StoredTarget>& targets) {
    // One IN list per channel: MariaDB 10.11 reads `(channel, address) IN ((..), ..)` with a full table scan,
    // `channel=.. AND address IN (..)` as a range of uq_suppressions_address.
    std::map<domain::Channel, std::vector<std::string_view>> addresses;
    for (const auto& [id, target] : targets) {
        addresses[target.kind].push_back(target.user_ref);
    }
    SqlStatement sql(&c, 64 * targets.size());
    sql.Add("SELECT channel, address, reason FROM suppressions WHERE ");
    for (const auto& [channel, list] : addresses) {
        sql.Add(channel == addresses.begin()->first ? "(channel=? AND address IN (?))"
                                                    : " OR (channel=? AND address IN (?))",
                channel, SqlList{list});
    }
    return std::move(sql).Text();
}

namespace {

/// Locks the scheduled campaigns `where` selects, sets `set` on them and records `event` (with the campaign's
/// scheduled_at) for each, inside the caller's transaction.
void MarkScheduled(MysqlConnection& c, const std::string& where, std::string_view set, const std::string& event) {
    const auto result = c.Select("SELECT id, scheduled_at FROM campaigns" + where + " FOR UPDATE");
    c.Execute("UPDATE campaigns SET " + std::string(set) + where);
    const auto id = result.Column("id"), at = result.Column("scheduled_at");
    for (const auto row : result) {
        InsertCampaignEvent(c, row.UInt(id), {event, "scheduler", {{"scheduled_at", row.Text(at)}}});
    }
}

}  // namespace

MysqlPreparationStore::MysqlPreparationStore(domain::DatabaseConfig config)
    // A connection for CampaignPreparer's reads and one for each of its concurrent writes. READ COMMITTED takes no
    // gap locks, which makes deadlocks between the concurrent INSERT IGNOREs rare (InsertOutbox retries the rest).
    : config_(config),
      pool_(std::move(config), app::kPreparationWritesInFlight + 1,
            "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED") {}

MysqlPreparationStore::~MysqlPreparationStore() = default;

std::optional<domain::CampaignContent> MysqlPreparationStore::LoadCampaign(std::uint64_t campaign_id) {
    const auto result = pool_.With([&](MysqlConnection& c) {
        return c.Select(
            Sql(c,
                "SELECT kind, template_subject, template_text, template_html, template_title, "
                "template_data, from_address, send_window, transactional, quiet_hours FROM campaigns WHERE id=?",
                campaign_id));
    });
    if (result.empty()) {
        return std::nullopt;
    }
    const auto r = result[0];
    const auto text = [&](std::string_view column) { return r.OptionalText(result.Column(column)).value_or(""); };
    return domain::CampaignContent{campaign_id,
                                   r.Channel(result.Column("kind")),
                                   text("template_subject"),
                                   text("template_text"),
                                   text("template_html"),
                                   text("template_title"),
                                   r.JsonObject(result.Column("template_data")),
                                   text("from_address"),
                                   r.OptionalSendWindow(result.Column("send_window")),
                                   r.UInt(result.Column("transactional")) != 0,
                                   r.OptionalSendWindow(result.Column("quiet_hours"))};
}

std::string MysqlPreparationStore::CampaignTraceparent(std::uint64_t campaign_id) {
    return pool_.With([&](MysqlConnection& c) {
        return c.QueryValue(Sql(c, "SELECT traceparent FROM campaigns WHERE id=?", campaign_id)).value_or("");
    });
}

std::vector<app::StoredTarget> MysqlPreparationStore::TargetsAfter(std::uint64_t campaign_id,
                                                                   std::uint64_t after_target_id, std::size_t limit) {
    const auto result =
        pool_.With([&](MysqlConnection& c) { return c.Select(TargetsPageSql(campaign_id, after_target_id, limit)); });
    const auto id = result.Column("id"), user = result.Column("user_ref"), kind = result.Column("kind"),
               timezone = result.Column("timezone"), metadata = result.Column("metadata");
    std::vector<app::StoredTarget> targets;
    targets.reserve(result.size());
    for (const auto r : result) {
        targets.push_back({r.UInt(id), {r.Text(user), r.Channel(kind), r.Text(timezone), r.JsonObject(metadata)}});
    }
    return targets;
}

std::map<std::uint64_t, std::string> MysqlPreparationStore::Suppressed(const std::vector<app::StoredTarget>& targets) {
    std::map<std::uint64_t, std::string> result;
    if (targets.empty()) {
        return result;
    }
    const auto found = pool_.With([&](MysqlConnection& c) { return c.Select(SuppressionsOfSql(c, targets)); });
    // The column's collation compares addresses case-insensitively; the lookup here does the same.
    const auto lower = [](std::string text) {
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char ch) { return std::tolower(ch); });
        return text;
    };
    std::map<std::pair<domain::Channel, std::string>, std::string> reasons;  // (channel, address) -> reason
    const auto channel = found.Column("channel"), address = found.Column("address"), reason = found.Column("reason");
    for (const auto row : found) {
        reasons[{row.Channel(channel), lower(row.Text(address))}] = row.Text(reason);
    }
    for (const auto& [id, target] : targets) {
        const auto it = reasons.find({target.kind, lower(target.user_ref)});
        if (it != reasons.end()) {
            result[id] = "suppressed: " + it->second;
        }
    }
    return result;
}

std::size_t MysqlPreparationStore::InsertOutbox(const std::vector<app::OutboxInsert>& rows) {
    if (rows.empty()) {
        return 0;
    }
    return pool_.With([&](MysqlConnection& c) {
        SqlStatement sql(&c, 512 * rows.size());
        sql.Add(
            "INSERT IGNORE INTO outbox (campaign_id, target_id, user_ref, kind, payload, idempotency_key, traceparent, "
            "available_at, status, last_error) VALUES ");
        for (const auto& row : rows) {
            const bool suppressed = !row.suppressed_reason.empty();
            sql.Add(&row == &rows.front() ? "(?,?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?,?)", row.campaign_id,
                    row.target_id, row.user_ref, row.kind, row.payload, row.idempotency_key, row.traceparent,
                    row.available_at,
                    SqlWord{ToString(suppressed ? domain::OutboxStatus::kSuppressed : domain::OutboxStatus::kPending)},
                    suppressed ? std::optional<std::string_view>(row.suppressed_reason) : std::nullopt);
        }
        // Autocommit: the multi-row statement is its own transaction.
        return static_cast<std::size_t>(c.ExecuteRetryingDeadlocks(sql.Text()));
    });
}

std::vector<std::uint64_t> MysqlPreparationStore::StartDueCampaigns(domain::TimePoint now,
                                                                    std::chrono::seconds max_lateness) {
    return pool_.With([&](MysqlConnection& c) {
        const auto oldest = now - max_lateness;
        c.Execute("START TRANSACTION");
        MarkScheduled(c, Sql(c, " WHERE status='scheduled' AND scheduled_at <= ? AND scheduled_at >= ?", now, oldest),
                      "status='preparing', status_reason=NULL", "started");
        MarkScheduled(c, Sql(c, " WHERE status='scheduled' AND scheduled_at < ? AND status_reason IS NULL", oldest),
                      "status_reason='missed schedule: scheduled_at passed more than SCHEDULE_MAX_LATENESS ago; "
                      "call prepare to start'",
                      "schedule_missed");
        c.Execute("COMMIT");
        const auto result = c.Select("SELECT id FROM campaigns WHERE status='preparing' ORDER BY id");
        const auto id = result.Column("id");
        std::vector<std::uint64_t> ids;
        for (const auto row : result) {
            ids.push_back(row.UInt(id));
        }
        return ids;
    });
}

void MysqlPreparationStore::FinishPreparation(std::uint64_t campaign_id, bool ok) {
    const auto step = ok ? domain::CampaignStep::kPrepared : domain::CampaignStep::kPrepareFailed;
    pool_.With([&](MysqlConnection& c) {
        c.Execute("START TRANSACTION");
        if (c.Execute(Sql(c, "UPDATE campaigns SET status=? WHERE status=? AND id=?",
                          SqlWord{ToString(domain::TransitionOf(step).to)},
                          SqlWord{ToString(domain::CampaignStatus::kPreparing)}, campaign_id)) > 0) {
            const auto count = c.Select(Sql(c, "SELECT COUNT(*) AS n FROM outbox WHERE campaign_id=?", campaign_id));
            InsertCampaignEvent(c, campaign_id,
                                {ok ? "prepared" : "preparation_failed",
                                 "scheduler",
                                 {{"outbox_rows", count[0].UInt(count.Column("n"))}}});
        }
        c.Execute("COMMIT");
        // A campaign cancelled while it was being prepared: the rows written after the cancel are cancelled too.
        return c.Execute(Sql(c,
                             "UPDATE outbox o JOIN campaigns c ON c.id = o.campaign_id SET o.status='cancelled', "
                             "o.last_error='cancelled' WHERE o.campaign_id=? AND c.status='cancelled' "
                             "AND o.status='pending'",
                             campaign_id));
    });
}

bool MysqlPreparationStore::TryAcquireSchedulerLock() {
    try {
        if (!lock_) {
            lock_ = std::make_unique<MysqlConnection>(config_);
        }
        // Named locks are server-wide: the database name keeps deployments sharing a server apart.
        // IS_USED_LOCK tells whether this session already holds it; GET_LOCK with timeout 0 does not wait.
        const auto name = "bulkmsg:scheduler:" + config_.name;
        if (lock_->QueryValue(Sql(*lock_, "SELECT IS_USED_LOCK(?) = CONNECTION_ID()", name)).value_or("0") == "1") {
            return true;
        }
        return lock_->QueryValue(Sql(*lock_, "SELECT GET_LOCK(?, 0)", name)).value_or("0") == "1";
    } catch (const std::exception&) {
        lock_.reset();
        throw;
    }
}

}  // namespace bulkmsg::mysql
