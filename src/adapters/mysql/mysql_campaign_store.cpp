#include "adapters/mysql/mysql_campaign_store.hpp"

#include "adapters/mysql/campaign_events.hpp"

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

domain::CampaignStatus ReadCampaignStatus(const std::optional<std::string>& text) {
    const auto status = domain::ParseCampaignStatus(text.value_or(""));
    if (!status) {
        throw MysqlError(0, "campaigns.status: unreadable value '" + text.value_or("NULL") + "'");
    }
    return *status;
}

app::CampaignRecord ToRecord(const Row& r) {
    app::CampaignRecord c;
    c.id = std::stoull(r[0].value_or("0"));
    c.name = r[1].value_or("");
    c.content.id = c.id;
    c.content.kind = domain::ParseChannel(r[2].value_or("")).value_or(domain::Channel::kEmail);
    c.status = ReadCampaignStatus(r[3]);
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
        "template_html, template_title, template_data, from_address, send_window) VALUES (" +
        c.Quote(n.name) + ",'" + std::string(domain::ToString(t.kind)) + "','" +
        std::string(
            domain::ToString(n.scheduled_at ? domain::CampaignStatus::kScheduled : domain::CampaignStatus::kDraft)) +
        "'," + (n.scheduled_at ? "'" + SqlTime(*n.scheduled_at) + "'" : std::string("NULL")) + "," +
        Nullable(c, t.subject) + "," + c.Quote(t.text) + "," + Nullable(c, t.html) + "," + Nullable(c, t.title) + "," +
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
                                                                   std::optional<domain::CampaignStatus> status) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        std::string where = " WHERE 1=1";
        if (before_id) {
            where += " AND id < " + std::to_string(before_id);
        }
        if (status) {
            where += " AND status='" + std::string(domain::ToString(*status)) + "'";
        }
        return c.Query(std::string(kCampaignColumns) + where + " ORDER BY id DESC LIMIT " + std::to_string(limit));
    });
    std::vector<app::CampaignRecord> campaigns;
    for (const auto& row : rows) {
        campaigns.push_back(ToRecord(row));
    }
    return campaigns;
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

}  // namespace bulkmsg::mysql
