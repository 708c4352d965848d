#include "adapters/mysql/mysql_campaign_store.hpp"

#include "adapters/mysql/campaign_events.hpp"

#include "adapters/mysql/keyset_page.hpp"
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

std::string Nullable(MysqlConnection& c, const std::string& value) {
    return value.empty() ? "NULL" : c.Quote(value);
}

std::string StatusList(const std::vector<domain::CampaignStatus>& statuses) {
    std::string list;
    for (const auto s : statuses) {
        list += (list.empty() ? "'" : ",'") + std::string(domain::ToString(s)) + "'";
    }
    return list;
}

}  // namespace

namespace {

std::uint64_t InsertCampaign(MysqlConnection& c, const domain::NewCampaign& n, const std::string& actor) {
    const auto& t = n.content;
    c.Execute(
        "INSERT INTO campaigns (name, kind, status, scheduled_at, template_subject, template_text, "
        "template_html, template_title, template_data, from_address, send_window, transactional, quiet_hours) VALUES "
        "(" +
        c.Quote(n.name) + ",'" + std::string(domain::ToString(t.kind)) + "','" +
        std::string(
            domain::ToString(n.scheduled_at ? domain::CampaignStatus::kScheduled : domain::CampaignStatus::kDraft)) +
        "'," + (n.scheduled_at ? "'" + SqlTime(*n.scheduled_at) + "'" : std::string("NULL")) + "," +
        Nullable(c, t.subject) + "," + c.Quote(t.text) + "," + Nullable(c, t.html) + "," + Nullable(c, t.title) + "," +
        (t.data.empty() ? std::string("NULL") : c.Quote(t.data.dump())) + "," + Nullable(c, t.from) + "," +
        (t.send_window ? c.Quote(domain::SendWindowJson(*t.send_window).dump()) : std::string("NULL")) + "," +
        (t.transactional ? "1" : "0") + "," +
        (t.quiet_hours ? c.Quote(domain::SendWindowJson(*t.quiet_hours).dump()) : std::string("NULL")) + ")");
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
                                                                   std::optional<domain::CampaignStatus> status) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        std::string where = " WHERE 1=1";
        if (before_id) {
            where += " AND id < " + std::to_string(before_id);
        }
        if (status) {
            where += " AND status='" + std::string(domain::ToString(*status)) + "'";
        }
        return c.Select(std::string(kCampaignColumns) + where + " ORDER BY id DESC LIMIT " + std::to_string(limit));
    });
    return ToRecords(rows);
}

bool MysqlCampaignStore::Transition(std::uint64_t id, const app::StatusChange& change) {
    return pool_.With([&](MysqlConnection& c) {
        const auto& note = change.note;
        const std::string set_time =
            change.scheduled_at ? ", scheduled_at='" + SqlTime(*change.scheduled_at) + "'" : "";
        const std::string set_trace = note.traceparent.empty() ? "" : ", traceparent=" + c.Quote(note.traceparent);
        c.Execute("START TRANSACTION");
        const bool changed =
            c.Execute("UPDATE campaigns SET status='" + std::string(domain::ToString(change.to)) +
                      "', status_reason=NULL" + set_time + set_trace + " WHERE id=" + std::to_string(id) +
                      " AND status IN (" + StatusList(change.from) + ")") > 0;
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
