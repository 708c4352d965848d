#include "adapters/mysql/mysql_campaign_store.hpp"

#include "adapters/mysql/campaign_events.hpp"

#include <openssl/crypto.h>

#include "adapters/mysql/keyset_page.hpp"
#include "adapters/mysql/mysql_outbox_store.hpp"
#include "adapters/mysql/mysql_preparation_store.hpp"

namespace bulkmsg::mysql {

namespace {

constexpr const char* kCampaignColumns =
    "SELECT id, name, kind, status, template_subject, template_text, template_html, template_title, template_data, "
    "from_address, scheduled_at, createdAt, updatedAt, send_window, status_reason FROM campaigns";

domain::TimePoint ParseSqlTime(const std::optional<std::string>& text) {
    // "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC (the session time zone).
    auto rfc = text.value_or("1970-01-01 00:00:00");
    rfc[10] = 'T';
    return domain::ParseRfc3339(rfc + "Z").value_or(domain::TimePoint{});
}

app::CampaignRecord ToRecord(const Row& r) {
    app::CampaignRecord c;
    c.id = std::stoull(r[0].value_or("0"));
    c.name = r[1].value_or("");
    c.content.id = c.id;
    c.content.kind = domain::ParseChannel(r[2].value_or("")).value_or(domain::Channel::kEmail);
    c.status = r[3].value_or("");
    c.content.subject = r[4].value_or("");
    c.content.text = r[5].value_or("");
    c.content.html = r[6].value_or("");
    c.content.title = r[7].value_or("");
    auto data = nlohmann::json::parse(r[8].value_or("{}"), nullptr, false);
    c.content.data = data.is_object() ? data : nlohmann::json::object();
    c.content.from = r[9].value_or("");
    if (r[10]) {
        c.scheduled_at = ParseSqlTime(r[10]);
    }
    c.created_at = ParseSqlTime(r[11]);
    c.updated_at = ParseSqlTime(r[12]);
    c.content.send_window = SendWindowOf(r[13]);
    c.status_reason = r[14];
    return c;
}

std::string Nullable(MysqlConnection& c, const std::string& value) {
    return value.empty() ? "NULL" : c.Quote(value);
}

std::string StatusList(MysqlConnection& c, const std::vector<std::string>& statuses) {
    std::string list;
    for (const auto& s : statuses) {
        list += (list.empty() ? "" : ",") + c.Quote(s);
    }
    return list;
}

}  // namespace

std::string MessagesPageSql(MysqlConnection& c, std::uint64_t campaign_id, const std::optional<std::string>& status,
                            std::uint64_t after_id, std::size_t limit) {
    constexpr std::string_view kColumns =
        "id, user_ref, kind, status, attempts, last_error, provider_msg_id, available_at, sent_at";
    const auto campaign = "campaign_id=" + std::to_string(campaign_id);
    // Of every status: no index leads with campaign_id then id, so the primary key's range from after_id.
    return status ? KeysetPageSql(kColumns, "outbox", "idx_outbox_campaign_status",
                                  campaign + " AND status=" + c.Quote(*status), after_id, limit)
                  : KeysetPageSql(kColumns, "outbox", "PRIMARY", campaign, after_id, limit);
}

MysqlCampaignStore::MysqlCampaignStore(domain::DatabaseConfig config) : pool_(std::move(config), 8) {}

namespace {

std::uint64_t InsertCampaign(MysqlConnection& c, const domain::NewCampaign& n, const std::string& actor) {
    const auto& t = n.content;
    c.Execute(
        "INSERT INTO campaigns (name, kind, status, scheduled_at, template_subject, template_text, "
        "template_html, template_title, template_data, from_address, send_window) VALUES (" +
        c.Quote(n.name) + ",'" + std::string(domain::ToString(t.kind)) + "','" +
        (n.scheduled_at ? "scheduled" : "draft") + "'," +
        (n.scheduled_at ? "'" + SqlTime(*n.scheduled_at) + "'" : std::string("NULL")) + "," + Nullable(c, t.subject) +
        "," + c.Quote(t.text) + "," + Nullable(c, t.html) + "," + Nullable(c, t.title) + "," +
        (t.data.empty() ? std::string("NULL") : c.Quote(t.data.dump())) + "," + Nullable(c, t.from) + "," +
        (t.send_window ? c.Quote(domain::SendWindowJson(*t.send_window).dump()) : std::string("NULL")) + ")");
    const auto id = std::stoull(c.QueryValue("SELECT LAST_INSERT_ID()").value_or("0"));
    InsertCampaignEvent(c, id, {"created", actor, {{"name", n.name}}});
    return id;
}

}  // namespace

app::CreateResult MysqlCampaignStore::CreateCampaign(const domain::NewCampaign& n,
                                                     const std::optional<app::IdempotentRequest>& idempotency,
                                                     const std::string& actor) {
    return pool_.With([&](MysqlConnection& c) {
        if (!idempotency) {
            c.Execute("START TRANSACTION");
            const auto id = InsertCampaign(c, n, actor);
            c.Execute("COMMIT");
            return app::CreateResult{app::CreateResult::Outcome::kCreated, id};
        }
        const auto key_condition =
            " WHERE api_key_name=" + c.Quote(idempotency->scope) + " AND idempotency_key=" + c.Quote(idempotency->key);
        c.Execute("START TRANSACTION");
        // A concurrent request with the same key waits here on the key's row lock until this one commits.
        const bool first = c.Execute(
                               "INSERT IGNORE INTO api_idempotency_keys (api_key_name, idempotency_key, "
                               "request_hash) VALUES (" +
                               c.Quote(idempotency->scope) + "," + c.Quote(idempotency->key) + "," +
                               c.Quote(idempotency->request_hash) + ")") == 1;
        app::CreateResult result;
        if (first) {
            result.id = InsertCampaign(c, n, actor);
            c.Execute("UPDATE api_idempotency_keys SET campaign_id=" + std::to_string(result.id) + key_condition);
        } else {
            const auto row = c.Query("SELECT request_hash, campaign_id FROM api_idempotency_keys" + key_condition);
            const bool same = !row.empty() && row[0][0] == idempotency->request_hash && row[0][1];
            result = same ? app::CreateResult{app::CreateResult::Outcome::kReplayed, std::stoull(*row[0][1])}
                          : app::CreateResult{app::CreateResult::Outcome::kConflict, 0};
        }
        c.Execute("COMMIT");
        return result;
    });
}

std::optional<app::CampaignRecord> MysqlCampaignStore::GetCampaign(std::uint64_t id) {
    const auto rows = pool_.With(
        [&](MysqlConnection& c) { return c.Query(std::string(kCampaignColumns) + " WHERE id=" + std::to_string(id)); });
    return rows.empty() ? std::nullopt : std::optional(ToRecord(rows[0]));
}

std::vector<app::CampaignRecord> MysqlCampaignStore::ListCampaigns(std::uint64_t before_id, std::size_t limit,
                                                                   const std::optional<std::string>& status) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        std::string where = " WHERE 1=1";
        if (before_id) {
            where += " AND id < " + std::to_string(before_id);
        }
        if (status) {
            where += " AND status=" + c.Quote(*status);
        }
        return c.Query(std::string(kCampaignColumns) + where + " ORDER BY id DESC LIMIT " + std::to_string(limit));
    });
    std::vector<app::CampaignRecord> campaigns;
    for (const auto& row : rows) {
        campaigns.push_back(ToRecord(row));
    }
    return campaigns;
}

app::TargetInsertResult MysqlCampaignStore::InsertTargets(std::uint64_t campaign_id,
                                                          const std::vector<domain::Target>& targets) {
    if (targets.empty()) {
        return {};
    }
    return pool_.With([&](MysqlConnection& c) {
        std::string sql =
            "INSERT IGNORE INTO campaign_targets (campaign_id, user_ref, kind, timezone, metadata) VALUES ";
        for (std::size_t i = 0; i < targets.size(); ++i) {
            const auto& t = targets[i];
            sql += (i ? ",(" : "(") + std::to_string(campaign_id) + "," + c.Quote(t.user_ref) + ",'" +
                   std::string(domain::ToString(t.kind)) + "'," + c.Quote(t.timezone) + "," +
                   c.Quote(t.metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + ")";
        }
        // Autocommit; uploads write two batches at a time (CampaignApi), whose INSERT IGNOREs can deadlock.
        const auto inserted = c.ExecuteRetryingDeadlocks(sql);
        return app::TargetInsertResult{inserted, targets.size() - inserted};
    });
}

app::CampaignCounts MysqlCampaignStore::Counts(std::uint64_t campaign_id) {
    return pool_.With([&](MysqlConnection& c) {
        app::CampaignCounts counts;
        const auto id = std::to_string(campaign_id);
        counts.targets =
            std::stoull(c.QueryValue("SELECT COUNT(*) FROM campaign_targets WHERE campaign_id=" + id).value_or("0"));
        for (const auto& row :
             c.Query("SELECT status, COUNT(*) FROM outbox WHERE campaign_id=" + id + " GROUP BY status")) {
            counts.outbox_by_status[row[0].value_or("")] = std::stoull(row[1].value_or("0"));
        }
        return counts;
    });
}

std::vector<app::MessageRecord> MysqlCampaignStore::ListMessages(std::uint64_t campaign_id,
                                                                 const std::optional<std::string>& status,
                                                                 std::uint64_t after_id, std::size_t limit) {
    const auto rows = pool_.With(
        [&](MysqlConnection& c) { return c.Query(MessagesPageSql(c, campaign_id, status, after_id, limit)); });
    std::vector<app::MessageRecord> messages;
    for (const auto& r : rows) {
        messages.push_back({std::stoull(r[0].value_or("0")), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""),
                            std::stoull(r[4].value_or("0")), r[5], r[6], r[7], r[8]});
    }
    return messages;
}

bool MysqlCampaignStore::Transition(std::uint64_t id, const std::vector<std::string>& from, const std::string& to,
                                    const app::AuditNote& note, std::optional<domain::TimePoint> scheduled_at) {
    return pool_.With([&](MysqlConnection& c) {
        const std::string set_time = scheduled_at ? ", scheduled_at='" + SqlTime(*scheduled_at) + "'" : "";
        const std::string set_trace = note.traceparent.empty() ? "" : ", traceparent=" + c.Quote(note.traceparent);
        c.Execute("START TRANSACTION");
        const bool changed =
            c.Execute("UPDATE campaigns SET status=" + c.Quote(to) + ", status_reason=NULL" + set_time + set_trace +
                      " WHERE id=" + std::to_string(id) + " AND status IN (" + StatusList(c, from) + ")") > 0;
        if (changed) {
            InsertCampaignEvent(c, id, note);
        }
        c.Execute("COMMIT");
        return changed;
    });
}

void MysqlCampaignStore::RecordEvent(std::uint64_t campaign_id, const app::AuditNote& note) {
    pool_.With([&](MysqlConnection& c) {
        InsertCampaignEvent(c, campaign_id, note);
        return 0;
    });
}

std::vector<app::CampaignEvent> MysqlCampaignStore::ListEvents(std::uint64_t campaign_id, std::uint64_t after_id,
                                                               std::size_t limit) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        return c.Query(KeysetPageSql("id, event, actor, details, createdAt", "campaign_events",
                                     "idx_campaign_events_campaign", "campaign_id=" + std::to_string(campaign_id),
                                     after_id, limit));
    });
    std::vector<app::CampaignEvent> events;
    for (const auto& r : rows) {
        const auto details = nlohmann::json::parse(r[3].value_or("{}"), nullptr, false);
        events.push_back({.id = std::stoull(r[0].value_or("0")),
                          .note = {r[1].value_or(""), r[2].value_or(""),
                                   details.is_discarded() ? nlohmann::json::object() : details},
                          .created_at = r[4].value_or("")});
    }
    return events;
}

std::uint64_t MysqlCampaignStore::CancelUnsent(std::uint64_t campaign_id) {
    return pool_.With([&](MysqlConnection& c) {
        return c.Execute("UPDATE outbox SET status='cancelled', last_error='cancelled' WHERE campaign_id=" +
                         std::to_string(campaign_id) + " AND status IN ('pending','queued','retrying')");
    });
}

bool MysqlCampaignStore::AddSuppression(const app::Suppression& s) {
    return pool_.With([&](MysqlConnection& c) {
        // MariaDB reports 1 affected row for an insert, 2 for an update of an existing row, 0 when unchanged.
        // Posting again without a reason keeps the one stored.
        return c.Execute("INSERT INTO suppressions (channel, address, reason) VALUES (" + c.Quote(s.channel) + "," +
                         c.Quote(s.address) + "," + c.Quote(s.reason) +
                         ") ON DUPLICATE KEY UPDATE reason=IF(VALUES(reason)='', reason, VALUES(reason))") == 1;
    });
}

bool MysqlCampaignStore::RemoveSuppression(const std::string& channel, const std::string& address) {
    return pool_.With([&](MysqlConnection& c) {
        return c.Execute("DELETE FROM suppressions WHERE channel=" + c.Quote(channel) +
                         " AND address=" + c.Quote(address)) > 0;
    });
}

std::vector<app::Suppression> MysqlCampaignStore::ListSuppressions(const std::optional<std::string>& channel,
                                                                   std::uint64_t after_id, std::size_t limit) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        return c.Query("SELECT id, channel, address, reason FROM suppressions WHERE id > " + std::to_string(after_id) +
                       (channel ? " AND channel=" + c.Quote(*channel) : "") + " ORDER BY id LIMIT " +
                       std::to_string(limit));
    });
    std::vector<app::Suppression> list;
    for (const auto& r : rows) {
        list.push_back({std::stoull(r[0].value_or("0")), r[1].value_or(""), r[2].value_or(""), r[3].value_or("")});
    }
    return list;
}

std::optional<std::string> MysqlCampaignStore::ApiKeyName(const std::string& key_hash) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        return c.Query("SELECT name, key_hash FROM api_keys WHERE key_hash=" + c.Quote(key_hash) +
                       " AND revoked_at IS NULL");
    });
    // The index lookup finds the row; the comparison that decides is constant-time.
    if (rows.empty() || !rows[0][1] || rows[0][1]->size() != key_hash.size() ||
        CRYPTO_memcmp(rows[0][1]->data(), key_hash.data(), key_hash.size()) != 0) {
        return std::nullopt;
    }
    return rows[0][0];
}

}  // namespace bulkmsg::mysql
