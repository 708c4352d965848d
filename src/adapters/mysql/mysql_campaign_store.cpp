#include "adapters/mysql/mysql_campaign_store.hpp"

#include "adapters/mysql/campaign_events.hpp"

#include "adapters/mysql/keyset_page.hpp"
#include "adapters/mysql/sql_statement.hpp"
#include "adapters/mysql/sql_values.hpp"

namespace bulkmsg::mysql {

namespace {

constexpr const char* kCampaignColumns =
    "SELECT id, name, kind, status, template_subject, template_text, template_html, template_title, template_data, "
    "from_address, scheduled_at, createdAt, updatedAt, send_window, status_reason, transactional, quiet_hours FROM "
    "campaigns";

std::vector<app::CampaignRecord> ToRecords(const SqlResult& result) {
    const auto id = result.Column("id"), name = result.Column("name"), kind = result.Column("kind"),
               status = result.Column("status"), subject = result.Column("template_subject"),
               text = result.Column("template_text"), html = result.Column("template_html"),
               title = result.Column("template_title"), data = result.Column("template_data"),
               from = result.Column("from_address"), scheduled_at = result.Column("scheduled_at"),
               created_at = result.Column("createdAt"), updated_at = result.Column("updatedAt"),
               send_window = result.Column("send_window"), status_reason = result.Column("status_reason"),
               transactional = result.Column("transactional"), quiet_hours = result.Column("quiet_hours");
    std::vector<app::CampaignRecord> campaigns;
    campaigns.reserve(result.size());
    for (const auto r : result) {
        app::CampaignRecord c;
        c.id = r.UInt(id);
        c.name = r.Text(name);
        c.content.id = c.id;
        c.content.kind = r.Channel(kind);
        c.status = r.CampaignStatusOf(status);
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
        c.content.transactional = r.UInt(transactional) != 0;
        c.content.quiet_hours = r.OptionalSendWindow(quiet_hours);
        campaigns.push_back(std::move(c));
    }
    return campaigns;
}

std::optional<std::string> OrNull(const std::string& value) {
    return value.empty() ? std::nullopt : std::optional(value);
}

std::optional<nlohmann::json> WindowJson(const std::optional<domain::SendWindow>& window) {
    return window ? std::optional(domain::SendWindowJson(*window)) : std::nullopt;
}

}  // namespace

namespace {

std::uint64_t InsertCampaign(MysqlConnection& c, const domain::NewCampaign& n, const std::string& actor) {
    const auto& t = n.content;
    const auto status = n.scheduled_at ? domain::CampaignStatus::kScheduled : domain::CampaignStatus::kDraft;
    c.Execute(Sql(c,
                  "INSERT INTO campaigns (name, kind, status, scheduled_at, template_subject, template_text, "
                  "template_html, template_title, template_data, from_address, send_window, transactional, "
                  "quiet_hours) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                  n.name, t.kind, SqlWord{domain::ToString(status)}, n.scheduled_at, OrNull(t.subject), t.text,
                  OrNull(t.html), OrNull(t.title), t.data.empty() ? std::nullopt : std::optional(t.data),
                  OrNull(t.from), WindowJson(t.send_window), t.transactional, WindowJson(t.quiet_hours)));
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
            Sql(c, " WHERE api_key_name=? AND idempotency_key=?", idempotency->scope, idempotency->key);
        c.Execute("START TRANSACTION");
        // A concurrent request with the same key waits here on the key's row lock until this one commits.
        const bool first = c.Execute(Sql(c,
                                         "INSERT IGNORE INTO api_idempotency_keys (api_key_name, idempotency_key, "
                                         "request_hash) VALUES (?,?,?)",
                                         idempotency->scope, idempotency->key, idempotency->request_hash)) == 1;
        app::CreateResult result;
        if (first) {
            result.id = InsertCampaign(c, n, actor);
            c.Execute(Sql(c, "UPDATE api_idempotency_keys SET campaign_id=?", result.id) + key_condition);
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
    const auto rows = pool_.With(
        [&](MysqlConnection& c) { return c.Select(Sql(c, std::string(kCampaignColumns) + " WHERE id=?", id)); });
    return rows.empty() ? std::nullopt : std::optional(ToRecords(rows)[0]);
}

std::vector<app::CampaignRecord> MysqlCampaignStore::ListCampaigns(std::uint64_t before_id, std::size_t limit,
                                                                   std::optional<domain::CampaignStatus> status) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        SqlStatement sql(&c);
        sql.Raw(kCampaignColumns).Add(" WHERE 1=1");
        if (before_id) {
            sql.Add(" AND id < ?", before_id);
        }
        if (status) {
            sql.Add(" AND status=?", SqlWord{domain::ToString(*status)});
        }
        return c.Select(std::move(sql.Add(" ORDER BY id DESC LIMIT ?", limit)).Text());
    });
    return ToRecords(rows);
}

bool MysqlCampaignStore::Transition(std::uint64_t id, const app::StatusChange& change) {
    return pool_.With([&](MysqlConnection& c) {
        const auto& note = change.note;
        SqlStatement sql(&c);
        sql.Add("UPDATE campaigns SET status=?, status_reason=NULL", SqlWord{domain::ToString(change.to)});
        if (change.scheduled_at) {
            sql.Add(", scheduled_at=?", *change.scheduled_at);
        }
        if (!note.traceparent.empty()) {
            sql.Add(", traceparent=?", note.traceparent);
        }
        std::vector<SqlWord> from;
        for (const auto s : change.from) {
            from.push_back({domain::ToString(s)});
        }
        sql.Add(" WHERE id=? AND status IN (?)", id, SqlList{from});
        c.Execute("START TRANSACTION");
        const bool changed = c.Execute(sql.Text()) > 0;
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

}  // namespace bulkmsg::mysql
