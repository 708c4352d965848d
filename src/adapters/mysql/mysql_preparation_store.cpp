#include "adapters/mysql/mysql_preparation_store.hpp"

#include "adapters/mysql/campaign_events.hpp"

#include <algorithm>

#include "adapters/mysql/keyset_page.hpp"
#include "adapters/mysql/mysql_outbox_store.hpp"

namespace bulkmsg::mysql {

namespace {

nlohmann::json JsonOrEmptyObject(const std::optional<std::string>& text) {
    auto parsed = nlohmann::json::parse(text.value_or("{}"), nullptr, false);
    return parsed.is_object() ? parsed : nlohmann::json::object();
}

domain::Channel ChannelOf(const std::optional<std::string>& text) {
    return domain::ParseChannel(text.value_or("")).value_or(domain::Channel::kEmail);
}

}  // namespace

std::optional<domain::SendWindow> SendWindowOf(const std::optional<std::string>& text) {
    if (!text) {
        return std::nullopt;
    }
    std::vector<domain::FieldError> ignored;
    const auto json = nlohmann::json::parse(*text, nullptr, false);
    return json.is_discarded() ? std::nullopt : domain::ParseSendWindow(json, ignored);
}

std::string TargetsPageSql(std::uint64_t campaign_id, std::uint64_t after_target_id, std::size_t limit) {
    return KeysetPageSql("id, user_ref, kind, timezone, metadata", "campaign_targets", "idx_targets_campaign_id",
                         "campaign_id=" + std::to_string(campaign_id), after_target_id, limit);
}

std::string SuppressionsOfSql(MysqlConnection& c, const std::vector<app::StoredTarget>& targets) {
    // One IN list per channel: MariaDB 10.11 reads `(channel, address) IN ((..), ..)` with a full table scan,
    // `channel=.. AND address IN (..)` as a range of uq_suppressions_address.
    std::map<domain::Channel, std::string> addresses;
    for (const auto& [id, target] : targets) {
        auto& list = addresses[target.kind];
        list += (list.empty() ? "" : ",") + c.Quote(target.user_ref);
    }
    std::string where;
    for (const auto& [channel, list] : addresses) {
        where += std::string(where.empty() ? "" : " OR ") + "(channel='" + std::string(domain::ToString(channel)) +
                 "' AND address IN (" + list + "))";
    }
    return "SELECT channel, address, reason FROM suppressions WHERE " + where;
}

MysqlPreparationStore::MysqlPreparationStore(domain::DatabaseConfig config)
    // A connection for CampaignPreparer's reads and one for each of its concurrent writes. READ COMMITTED takes no
    // gap locks, which makes deadlocks between the concurrent INSERT IGNOREs rare (InsertOutbox retries the rest).
    : config_(config),
      pool_(std::move(config), app::kPreparationWritesInFlight + 1,
            "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED") {}

MysqlPreparationStore::~MysqlPreparationStore() = default;

std::optional<domain::CampaignContent> MysqlPreparationStore::LoadCampaign(std::uint64_t campaign_id) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        return c.Query(
            "SELECT id, kind, template_subject, template_text, template_html, template_title, template_data, "
            "from_address, send_window FROM campaigns WHERE id=" +
            std::to_string(campaign_id));
    });
    if (rows.empty()) {
        return std::nullopt;
    }
    const auto& r = rows[0];
    return domain::CampaignContent{campaign_id,       ChannelOf(r[1]),   r[2].value_or(""),       r[3].value_or(""),
                                   r[4].value_or(""), r[5].value_or(""), JsonOrEmptyObject(r[6]), r[7].value_or(""),
                                   SendWindowOf(r[8])};
}

std::string MysqlPreparationStore::CampaignTraceparent(std::uint64_t campaign_id) {
    return pool_.With([&](MysqlConnection& c) {
        return c.QueryValue("SELECT traceparent FROM campaigns WHERE id=" + std::to_string(campaign_id)).value_or("");
    });
}

std::vector<app::StoredTarget> MysqlPreparationStore::TargetsAfter(std::uint64_t campaign_id,
                                                                   std::uint64_t after_target_id, std::size_t limit) {
    const auto rows =
        pool_.With([&](MysqlConnection& c) { return c.Query(TargetsPageSql(campaign_id, after_target_id, limit)); });
    std::vector<app::StoredTarget> targets;
    targets.reserve(rows.size());
    for (const auto& r : rows) {
        targets.push_back({std::stoull(r[0].value_or("0")),
                           {r[1].value_or(""), ChannelOf(r[2]), r[3].value_or("UTC"), JsonOrEmptyObject(r[4])}});
    }
    return targets;
}

std::map<std::uint64_t, std::string> MysqlPreparationStore::Suppressed(const std::vector<app::StoredTarget>& targets) {
    std::map<std::uint64_t, std::string> result;
    if (targets.empty()) {
        return result;
    }
    const auto rows = pool_.With([&](MysqlConnection& c) { return c.Query(SuppressionsOfSql(c, targets)); });
    // The column's collation compares addresses case-insensitively; the lookup here does the same.
    const auto lower = [](std::string text) {
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char ch) { return std::tolower(ch); });
        return text;
    };
    std::map<std::pair<std::string, std::string>, std::string> reasons;  // (channel, address) -> reason
    for (const auto& row : rows) {
        reasons[{row[0].value_or(""), lower(row[1].value_or(""))}] = row[2].value_or("");
    }
    for (const auto& [id, target] : targets) {
        const auto it = reasons.find({std::string(domain::ToString(target.kind)), lower(target.user_ref)});
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
        std::string sql =
            "INSERT IGNORE INTO outbox (campaign_id, target_id, user_ref, kind, payload, idempotency_key, traceparent, "
            "available_at, status, last_error) "
            "VALUES ";
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& row = rows[i];
            sql += (i ? ",(" : "(") + std::to_string(row.campaign_id) + "," + std::to_string(row.target_id) + "," +
                   c.Quote(row.user_ref) + ",'" + std::string(domain::ToString(row.kind)) + "'," +
                   c.Quote(row.payload) + "," + c.Quote(row.idempotency_key) + "," + c.Quote(row.traceparent) + ",'" +
                   SqlTime(row.available_at) + "'," +
                   (row.suppressed_reason.empty() ? std::string("'pending',NULL")
                                                  : "'suppressed'," + c.Quote(row.suppressed_reason)) +
                   ")";
        }
        // Autocommit: the multi-row statement is its own transaction.
        return static_cast<std::size_t>(c.ExecuteRetryingDeadlocks(sql));
    });
}

std::vector<std::uint64_t> MysqlPreparationStore::StartDueCampaigns(domain::TimePoint now,
                                                                    std::chrono::seconds max_lateness) {
    return pool_.With([&](MysqlConnection& c) {
        const auto oldest = "'" + SqlTime(now - max_lateness) + "'";
        const auto due =
            " WHERE status='scheduled' AND scheduled_at <= '" + SqlTime(now) + "' AND scheduled_at >= " + oldest;
        const auto missed = " WHERE status='scheduled' AND scheduled_at < " + oldest + " AND status_reason IS NULL";
        c.Execute("START TRANSACTION");
        const auto started = c.Query("SELECT id, scheduled_at FROM campaigns" + due + " FOR UPDATE");
        c.Execute("UPDATE campaigns SET status='preparing', status_reason=NULL" + due);
        for (const auto& row : started) {
            InsertCampaignEvent(c, std::stoull(row[0].value_or("0")),
                                {"started", "scheduler", {{"scheduled_at", *row[1]}}});
        }
        const auto late = c.Query("SELECT id, scheduled_at FROM campaigns" + missed + " FOR UPDATE");
        c.Execute(
            "UPDATE campaigns SET status_reason='missed schedule: scheduled_at passed more than "
            "SCHEDULE_MAX_LATENESS ago; call prepare to start'" +
            missed);
        for (const auto& row : late) {
            InsertCampaignEvent(c, std::stoull(row[0].value_or("0")),
                                {"schedule_missed", "scheduler", {{"scheduled_at", *row[1]}}});
        }
        c.Execute("COMMIT");
        std::vector<std::uint64_t> ids;
        for (const auto& row : c.Query("SELECT id FROM campaigns WHERE status='preparing' ORDER BY id")) {
            ids.push_back(std::stoull(row[0].value_or("0")));
        }
        return ids;
    });
}

void MysqlPreparationStore::FinishPreparation(std::uint64_t campaign_id, bool ok) {
    pool_.With([&](MysqlConnection& c) {
        const auto id = std::to_string(campaign_id);
        c.Execute("START TRANSACTION");
        if (c.Execute(std::string("UPDATE campaigns SET status='") + (ok ? "running" : "failed") +
                      "' WHERE status='preparing' AND id=" + id) > 0) {
            const auto rows = c.QueryValue("SELECT COUNT(*) FROM outbox WHERE campaign_id=" + id).value_or("0");
            InsertCampaignEvent(
                c, campaign_id,
                {ok ? "prepared" : "preparation_failed", "scheduler", {{"outbox_rows", std::stoull(rows)}}});
        }
        c.Execute("COMMIT");
        // A campaign cancelled while it was being prepared: the rows written after the cancel are cancelled too.
        return c.Execute(
            "UPDATE outbox o JOIN campaigns c ON c.id = o.campaign_id SET o.status='cancelled', "
            "o.last_error='cancelled' "
            "WHERE o.campaign_id=" +
            id + " AND c.status='cancelled' AND o.status='pending'");
    });
}

bool MysqlPreparationStore::TryAcquireSchedulerLock() {
    try {
        if (!lock_) {
            lock_ = std::make_unique<MysqlConnection>(config_);
        }
        // Named locks are server-wide: the database name keeps deployments sharing a server apart.
        // IS_USED_LOCK tells whether this session already holds it; GET_LOCK with timeout 0 does not wait.
        const auto name = lock_->Quote("bulkmsg:scheduler:" + config_.name);
        if (lock_->QueryValue("SELECT IS_USED_LOCK(" + name + ") = CONNECTION_ID()").value_or("0") == "1") {
            return true;
        }
        return lock_->QueryValue("SELECT GET_LOCK(" + name + ", 0)").value_or("0") == "1";
    } catch (const std::exception&) {
        lock_.reset();
        throw;
    }
}

}  // namespace bulkmsg::mysql
