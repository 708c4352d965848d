#include "adapters/mysql/mysql_feedback_store.hpp"

#include <set>

#include "adapters/mysql/unsent_rows.hpp"
#include "domain/feedback_plan.hpp"

namespace bulkmsg::mysql {

namespace {

using domain::FeedbackEvent;
using domain::FeedbackTarget;
using Targets = std::map<std::uint64_t, FeedbackTarget>;

constexpr std::string_view kTargetColumns =
    "SELECT id, campaign_id, kind, user_ref, idempotency_key, provider_msg_id, delivery_status, delivered_at "
    "FROM outbox WHERE ";

void ReadTargets(MysqlConnection& c, const std::string& where, Targets& targets,
                 std::map<std::string, std::uint64_t>& by_provider_id) {
    const auto rows = c.Select(std::string(kTargetColumns) + where + " FOR UPDATE");
    const auto id = rows.Column("id"), campaign = rows.Column("campaign_id"), kind = rows.Column("kind"),
               user = rows.Column("user_ref"), key = rows.Column("idempotency_key"),
               provider_id = rows.Column("provider_msg_id"), status = rows.Column("delivery_status"),
               delivered = rows.Column("delivered_at");
    for (const auto r : rows) {
        const auto status_text = r.OptionalText(status);
        FeedbackTarget t{r.UInt(id),
                         r.UInt(campaign),
                         r.Channel(kind),
                         r.Text(user),
                         r.Text(key),
                         r.OptionalText(provider_id).value_or(""),
                         status_text ? domain::ParseDeliveryStatus(*status_text) : std::nullopt,
                         r.OptionalTime(delivered)};
        if (!t.provider_msg_id.empty()) {
            by_provider_id[t.provider_msg_id] = t.outbox_id;
        }
        targets.emplace(t.outbox_id, std::move(t));
    }
}

/// The rows the events name, locked until the transaction ends (concurrent batches about one row serialise).
void LockTargets(MysqlConnection& c, const std::vector<FeedbackEvent>& events, Targets& targets,
                 std::map<std::string, std::uint64_t>& by_provider_id) {
    std::set<std::uint64_t> ids;
    std::set<std::string> provider_ids;
    for (const auto& e : events) {
        if (e.provider == "twilio" && !e.provider_msg_id.empty()) {
            provider_ids.insert(e.provider_msg_id);
        } else if (e.provider != "twilio" && e.outbox_id) {
            ids.insert(*e.outbox_id);
        }
    }
    if (!ids.empty()) {
        ReadTargets(c, Sql(c, "id IN (?)", SqlList{ids}), targets, by_provider_id);
    }
    if (!provider_ids.empty()) {
        ReadTargets(c, Sql(c, "provider_msg_id IN (?)", SqlList{provider_ids}), targets, by_provider_id);
    }
}

/// Appends the batch and returns the events it stored: INSERT IGNORE … RETURNING (MariaDB 10.5+) answers only the
/// rows it inserted, so an event stored before, by an earlier batch or a concurrent one, is never taken as new. An
/// event id twice in one batch is stored (and returned) once.
std::vector<const FeedbackEvent*> InsertEvents(MysqlConnection& c, const std::vector<FeedbackEvent>& events,
                                               const Targets& targets) {
    SqlStatement sql(&c, 600 * events.size());
    sql.Add(
        "INSERT IGNORE INTO message_events (outbox_id, campaign_id, provider, event_type, provider_event_id, "
        "occurred_at, reason, code, raw) VALUES ");
    bool first = true;
    for (const auto& e : events) {
        std::optional<std::uint64_t> campaign;
        if (e.outbox_id) {
            campaign = targets.at(*e.outbox_id).campaign_id;
        }
        sql.Add(first ? "(?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?)", e.outbox_id, campaign, e.provider,
                domain::ToString(e.type), e.provider_event_id, e.occurred_at, e.reason, e.code, e.raw);
        first = false;
    }
    sql.Add(" RETURNING provider_event_id");
    const auto rows = c.Select(std::move(sql).Text());
    std::set<std::string> stored;
    const auto key = rows.Column("provider_event_id");
    for (const auto r : rows) {
        stored.insert(r.Text(key));
    }
    std::vector<const FeedbackEvent*> fresh;
    for (const auto& e : events) {
        if (stored.erase(e.provider_event_id) > 0) {
            fresh.push_back(&e);
        }
    }
    return fresh;
}

/// One UPDATE per distinct (status, delivered_at) pair, usually a handful per batch: `SET <constants> WHERE id IN`
/// costs MariaDB a fraction of per-row CASE lists (measured with bench/run webhooks).
void WriteStatuses(MysqlConnection& c, const std::vector<domain::StatusChange>& changes) {
    using Key = std::pair<std::optional<domain::DeliveryStatus>, std::optional<domain::TimePoint>>;
    std::map<Key, std::vector<std::uint64_t>> groups;
    for (const auto& change : changes) {
        groups[{change.status, change.delivered_at}].push_back(change.outbox_id);
    }
    for (const auto& [key, ids] : groups) {
        const auto status = key.first ? std::optional(SqlWord{domain::ToString(*key.first)}) : std::nullopt;
        c.Execute(Sql(c, "UPDATE outbox SET delivery_status=?, delivered_at=? WHERE id IN (?)", status, key.second,
                      SqlList{ids}));
    }
}

void WriteSuppressions(MysqlConnection& c, const std::vector<domain::SuppressionChange>& changes,
                       app::FeedbackResult& result) {
    std::map<std::string, std::vector<const domain::SuppressionChange*>> by_source;
    std::vector<std::string> lifted;
    for (const auto& change : changes) {
        if (change.add) {
            by_source[change.cause.source].push_back(&change);
        } else {
            lifted.push_back(change.address);
        }
    }
    if (!lifted.empty()) {  // opt-in keywords are SMS only
        result.suppressions_lifted =
            c.Execute(Sql(c, "DELETE FROM suppressions WHERE channel='sms' AND address IN (?)", SqlList{lifted}));
    }
    // One INSERT per source, so its affected-row count is the source's new suppressions (an existing one stays
    // as it was: ON DUPLICATE KEY changes nothing and counts 0).
    for (const auto& [source, rows] : by_source) {
        SqlStatement sql(&c, 200 * rows.size());
        sql.Add("INSERT INTO suppressions (channel, address, reason, source, campaign_id, outbox_id) VALUES ");
        bool first = true;
        for (const auto* s : rows) {
            sql.Add(first ? "(?,?,?,?,?,?)" : ",(?,?,?,?,?,?)", s->channel, s->address, s->cause.reason, source,
                    s->campaign_id, s->outbox_id);
            first = false;
        }
        sql.Add(" ON DUPLICATE KEY UPDATE id=id");
        if (const auto added = c.Execute(std::move(sql).Text()); added > 0) {
            result.suppressions_added[source] = added;
        }
    }
}

/// Opt-out everywhere for the addresses this batch suppressed: their unsent rows in running campaigns.
void SuppressUnsentRowsOf(MysqlConnection& c, const std::vector<domain::SuppressionChange>& changes) {
    std::map<std::pair<domain::Channel, std::string>, std::vector<std::string>> by_source;
    for (const auto& change : changes) {
        if (change.add) {
            by_source[{change.channel, change.cause.source}].push_back(change.address);
        }
    }
    for (const auto& [key, addresses] : by_source) {
        SuppressUnsentRows(c, key.first, addresses, key.second);
    }
}

/// A stored event without a row: what matching and planning read (a Twilio SID is its event id before the status).
struct LateEvent {
    std::uint64_t id = 0;
    FeedbackEvent event;
};

/// The oldest status callbacks since `since` still without a row, read without locks (LockLate re-checks them).
std::vector<LateEvent> ReadLateEvents(MysqlConnection& c, domain::TimePoint since, std::size_t limit) {
    const auto rows = c.Select(Sql(c,
                                   "SELECT id, event_type, provider_event_id, occurred_at, reason, code "
                                   "FROM message_events WHERE outbox_id IS NULL AND occurred_at>=? AND "
                                   "provider='twilio' AND event_type IN ('sent','delivered','undelivered','failed') "
                                   "ORDER BY occurred_at, id LIMIT ?",
                                   since, limit));
    const auto id = rows.Column("id"), type = rows.Column("event_type"), key = rows.Column("provider_event_id"),
               at = rows.Column("occurred_at"), reason = rows.Column("reason"), code = rows.Column("code");
    std::vector<LateEvent> late;
    for (const auto r : rows) {
        LateEvent e{r.UInt(id), {}};
        e.event.provider = "twilio";
        e.event.type = domain::ParseDeliveryEventType(r.Text(type)).value_or(domain::DeliveryEventType::kSent);
        e.event.provider_event_id = r.Text(key);
        e.event.provider_msg_id = e.event.provider_event_id.substr(0, e.event.provider_event_id.rfind(':'));
        e.event.occurred_at = r.Time(at);
        e.event.reason = r.Text(reason);
        e.event.code = r.Text(code);
        late.push_back(std::move(e));
    }
    return late;
}

/// Locks the matched events still without a row (a concurrent pass may have taken some), keeps only those, and
/// attaches each to its row.
void AttachLate(MysqlConnection& c, std::vector<LateEvent>& matched, const Targets& targets) {
    std::set<std::uint64_t> ids;
    for (const auto& e : matched) {
        ids.insert(e.id);
    }
    const auto rows = c.Select(
        Sql(c, "SELECT id FROM message_events WHERE id IN (?) AND outbox_id IS NULL FOR UPDATE", SqlList{ids}));
    std::set<std::uint64_t> free;
    const auto id = rows.Column("id");
    for (const auto r : rows) {
        free.insert(r.UInt(id));
    }
    std::erase_if(matched, [&](const LateEvent& e) { return !free.contains(e.id); });
    std::map<std::uint64_t, std::vector<std::uint64_t>> by_row;
    for (const auto& e : matched) {
        by_row[*e.event.outbox_id].push_back(e.id);
    }
    for (const auto& [row, events] : by_row) {
        c.Execute(Sql(c, "UPDATE message_events SET outbox_id=?, campaign_id=? WHERE id IN (?)", row,
                      targets.at(row).campaign_id, SqlList{events}));
    }
}

}  // namespace

app::LateMatchResult MysqlFeedbackStore::MatchLateEvents(domain::TimePoint since, std::size_t limit) {
    return pool_.With([&](MysqlConnection& c) {
        app::LateMatchResult result;
        auto late = ReadLateEvents(c, since, limit);
        if (late.empty()) {
            return result;
        }
        c.Execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
        c.Execute("START TRANSACTION");
        std::vector<FeedbackEvent> events;
        for (const auto& e : late) {
            events.push_back(e.event);
        }
        Targets targets;  // rows first, then events: the order Ingest locks in
        std::map<std::string, std::uint64_t> by_provider_id;
        LockTargets(c, events, targets, by_provider_id);
        for (auto& e : late) {
            e.event.outbox_id = domain::MatchEvent(e.event, targets, by_provider_id);
        }
        std::erase_if(late, [](const LateEvent& e) { return !e.event.outbox_id; });
        if (!late.empty()) {
            AttachLate(c, late, targets);
        }
        std::vector<const FeedbackEvent*> matched;
        for (const auto& e : late) {
            matched.push_back(&e.event);
        }
        const auto plan = domain::PlanFeedback(matched, targets);
        WriteStatuses(c, plan.status_changes);
        app::FeedbackResult written;
        WriteSuppressions(c, plan.suppressions, written);
        c.Execute("COMMIT");
        SuppressUnsentRowsOf(c, plan.suppressions);
        result.matched = matched.size();
        result.status_changes = plan.status_changes.size();
        result.suppressions_added = std::move(written.suppressions_added);
        return result;
    });
}

app::FeedbackResult MysqlFeedbackStore::Ingest(const std::vector<FeedbackEvent>& events) {
    app::FeedbackResult result;
    if (events.empty()) {
        return result;
    }
    return pool_.With([&](MysqlConnection& c) {
        // READ COMMITTED: the API's pool runs REPEATABLE READ, whose gap locks would serialise concurrent batches.
        c.Execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
        c.Execute("START TRANSACTION");
        Targets targets;
        std::map<std::string, std::uint64_t> by_provider_id;
        LockTargets(c, events, targets, by_provider_id);
        std::vector<FeedbackEvent> matched = events;
        for (auto& e : matched) {
            e.outbox_id = domain::MatchEvent(e, targets, by_provider_id);
        }
        auto fresh = InsertEvents(c, matched, targets);
        const auto plan = domain::PlanFeedback(fresh, targets);
        WriteStatuses(c, plan.status_changes);
        WriteSuppressions(c, plan.suppressions, result);
        c.Execute("COMMIT");
        SuppressUnsentRowsOf(c, plan.suppressions);
        for (auto*& e : fresh) {  // point into the caller's batch, not the local copy
            const auto i = static_cast<std::size_t>(e - matched.data());
            result.unmatched += matched[i].outbox_id ? 0 : 1;
            e = &events[i];
        }
        result.fresh = std::move(fresh);
        result.duplicates = events.size() - result.fresh.size();
        result.status_changes = plan.status_changes.size();
        return result;
    });
}

std::optional<std::vector<app::StoredEvent>> MysqlFeedbackStore::EventsOf(std::uint64_t outbox_id) {
    return pool_.With([&](MysqlConnection& c) -> std::optional<std::vector<app::StoredEvent>> {
        if (c.Select(Sql(c, "SELECT id FROM outbox WHERE id=?", outbox_id)).empty()) {
            return std::nullopt;
        }
        const auto rows = c.Select(Sql(c,
                                       "SELECT id, provider, event_type, provider_event_id, occurred_at, reason, code "
                                       "FROM message_events WHERE outbox_id=? ORDER BY occurred_at, id LIMIT 1000",
                                       outbox_id));
        const auto id = rows.Column("id"), provider = rows.Column("provider"), type = rows.Column("event_type"),
                   key = rows.Column("provider_event_id"), at = rows.Column("occurred_at"),
                   reason = rows.Column("reason"), code = rows.Column("code");
        std::vector<app::StoredEvent> events;
        for (const auto r : rows) {
            events.push_back(
                {r.UInt(id), r.Text(provider), r.Text(type), r.Text(key), r.Time(at), r.Text(reason), r.Text(code)});
        }
        return events;
    });
}

}  // namespace bulkmsg::mysql
