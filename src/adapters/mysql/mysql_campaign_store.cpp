#include "adapters/mysql/mysql_campaign_store.hpp"

#include "adapters/mysql/campaign_events.hpp"

#include <openssl/crypto.h>

#include "adapters/mysql/keyset_page.hpp"
#include "adapters/mysql/sql_values.hpp"

namespace bulkmsg::mysql {

namespace {

constexpr const char* kCampaignColumns =
    "SELECT id, name, kind, status, template_subject, template_text, template_html, template_title, template_data, "
    "from_address, scheduled_at, createdAt, updatedAt, send_window, status_reason FROM campaigns";

std::vector<app::CampaignRecord> ToRecords(const SqlResult& result) {
    const auto id = result.Column("id"), name = result.Column("name"), kind = result.Column("kind"),
               status = result.Column("status"), subject = result.Column("template_subject"),
               text = result.Column("template_text"), html = result.Column("template_html"),
               title = result.Column("template_title"), data = result.Column("template_data"),
               from = result.Column("from_address"), scheduled_at = result.Column("scheduled_at"),
               created_at = result.Column("createdAt"), updated_at = result.Column("updatedAt"),
               send_window = result.Column("send_window"), status_reason = result.Column("status_reason");
    std::vector<app::CampaignRecord> campaigns;
    campaigns.reserve(result.size());
    for (const auto r : result) {
        app::CampaignRecord c;
        c.id = r.UInt(id);
        c.name = r.Text(name);
        c.content.id = c.id;
        c.content.kind = r.Channel(kind);
        c.status = r.Status(status);
        c.content.subject = r.OptionalText(subject).value_or("");
        c.content.text = r.OptionalText(text).value_or("");
        c.content.html = r.OptionalText(html).value_or("");
        c.content.title = r.OptionalText(title).value_or("");
        c.content.data = r.JsonObject(data);
        c.content.from = r.OptionalText(from).value_or("");
        c.scheduled_at = r.OptionalTime(scheduled_at);
        c.created_at = r.Time(created_at);
        c.updated_at = r.Time(updated_at);
        c.content.send_window = r.OptionalSendWindow(send_window);
        c.status_reason = r.OptionalText(status_reason);
        campaigns.push_back(std::move(c));
    }
    return campaigns;
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
    const auto inserted = c.Select("SELECT LAST_INSERT_ID() AS id");
    const auto id = inserted[0].UInt(inserted.Column("id"));
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
            const auto row = c.Select("SELECT request_hash, campaign_id FROM api_idempotency_keys" + key_condition);
            const auto campaign = row.Column("campaign_id");
            const bool same = !row.empty() && row[0].Text(row.Column("request_hash")) == idempotency->request_hash &&
                              row[0].OptionalText(campaign);
            result = same ? app::CreateResult{app::CreateResult::Outcome::kReplayed, row[0].UInt(campaign)}
                          : app::CreateResult{app::CreateResult::Outcome::kConflict, 0};
        }
        c.Execute("COMMIT");
        return result;
    });
}

std::optional<app::CampaignRecord> MysqlCampaignStore::GetCampaign(std::uint64_t id) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        return c.Select(std::string(kCampaignColumns) + " WHERE id=" + std::to_string(id));
    });
    return rows.empty() ? std::nullopt : std::optional(ToRecords(rows)[0]);
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
        return c.Select(std::string(kCampaignColumns) + where + " ORDER BY id DESC LIMIT " + std::to_string(limit));
    });
    return ToRecords(rows);
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
        const auto targets = c.Select("SELECT COUNT(*) AS n FROM campaign_targets WHERE campaign_id=" + id);
        counts.targets = targets[0].UInt(targets.Column("n"));
        const auto outbox =
            c.Select("SELECT status, COUNT(*) AS n FROM outbox WHERE campaign_id=" + id + " GROUP BY status");
        const auto status = outbox.Column("status"), n = outbox.Column("n");
        for (const auto row : outbox) {
            counts.outbox_by_status[row.Status(status)] = row.UInt(n);
        }
        return counts;
    });
}

std::vector<app::MessageRecord> MysqlCampaignStore::ListMessages(std::uint64_t campaign_id,
                                                                 const std::optional<std::string>& status,
                                                                 std::uint64_t after_id, std::size_t limit) {
    const auto rows = pool_.With(
        [&](MysqlConnection& c) { return c.Select(MessagesPageSql(c, campaign_id, status, after_id, limit)); });
    const auto id = rows.Column("id"), user = rows.Column("user_ref"), kind = rows.Column("kind"),
               state = rows.Column("status"), attempts = rows.Column("attempts"), error = rows.Column("last_error"),
               provider_id = rows.Column("provider_msg_id"), available_at = rows.Column("available_at"),
               sent_at = rows.Column("sent_at");
    std::vector<app::MessageRecord> messages;
    for (const auto r : rows) {
        messages.push_back({r.UInt(id), r.Text(user), std::string(domain::ToString(r.Channel(kind))), r.Status(state),
                            r.UInt(attempts), r.OptionalText(error), r.OptionalText(provider_id),
                            r.OptionalText(available_at), r.OptionalText(sent_at)});
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
        return c.Select(KeysetPageSql("id, event, actor, details, createdAt", "campaign_events",
                                      "idx_campaign_events_campaign", "campaign_id=" + std::to_string(campaign_id),
                                      after_id, limit));
    });
    const auto id = rows.Column("id"), event = rows.Column("event"), actor = rows.Column("actor"),
               details = rows.Column("details"), created_at = rows.Column("createdAt");
    std::vector<app::CampaignEvent> events;
    for (const auto r : rows) {
        events.push_back({.id = r.UInt(id),
                          .note = {r.Text(event), r.Text(actor), r.JsonObject(details)},
                          .created_at = r.Text(created_at)});
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
        return c.Select("SELECT id, channel, address, reason FROM suppressions WHERE id > " + std::to_string(after_id) +
                        (channel ? " AND channel=" + c.Quote(*channel) : "") + " ORDER BY id LIMIT " +
                        std::to_string(limit));
    });
    std::vector<app::Suppression> list;
    const auto id = rows.Column("id"), channel_of = rows.Column("channel"), address = rows.Column("address"),
               reason = rows.Column("reason");
    for (const auto r : rows) {
        list.push_back(
            {r.UInt(id), std::string(domain::ToString(r.Channel(channel_of))), r.Text(address), r.Text(reason)});
    }
    return list;
}

std::optional<std::string> MysqlCampaignStore::ApiKeyName(const std::string& key_hash) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        return c.Select("SELECT name, key_hash FROM api_keys WHERE key_hash=" + c.Quote(key_hash) +
                        " AND revoked_at IS NULL");
    });
    // The index lookup finds the row; the comparison that decides is constant-time.
    const auto stored = rows.empty() ? std::nullopt : rows[0].OptionalText(rows.Column("key_hash"));
    if (!stored || stored->size() != key_hash.size() ||
        CRYPTO_memcmp(stored->data(), key_hash.data(), key_hash.size()) != 0) {
        return std::nullopt;
    }
    return rows[0].Text(rows.Column("name"));
}

}  // namespace bulkmsg::mysql
