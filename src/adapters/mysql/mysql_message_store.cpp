#include "adapters/mysql/mysql_message_store.hpp"

#include "adapters/mysql/keyset_page.hpp"

namespace bulkmsg::mysql {

namespace {

std::optional<domain::DeliveryStatus> DeliveryStatusOf(const std::optional<std::string>& text) {
    return text ? domain::ParseDeliveryStatus(*text) : std::nullopt;
}

void CountFeedback(MysqlConnection& c, const std::string& campaign_id, app::CampaignCounts& counts) {
    const auto rows = c.Select(
        "SELECT delivery_status, COUNT(*) AS n FROM outbox FORCE INDEX "
        "(idx_outbox_campaign_delivery) WHERE campaign_id=" +
        campaign_id + " AND delivery_status IS NOT NULL GROUP BY delivery_status");
    const auto status = rows.Column("delivery_status"), n = rows.Column("n");
    for (const auto r : rows) {
        if (const auto s = domain::ParseDeliveryStatus(r.Status(status))) {
            counts.delivery_by_status[*s] = r.UInt(n);
        }
    }
    const auto events =
        c.Select("SELECT event_type, COUNT(*) AS n FROM message_events WHERE campaign_id=" + campaign_id +
                 " AND event_type IN ('open','click','unsubscribe','group_unsubscribe') GROUP BY "
                 "event_type");
    const auto type = events.Column("event_type"), en = events.Column("n");
    for (const auto r : events) {
        if (const auto t = domain::ParseDeliveryEventType(r.Text(type))) {
            counts.engagement[*t] = r.UInt(en);
        }
    }
}

}  // namespace

std::string MessagesPageSql(MysqlConnection& c, std::uint64_t campaign_id, const app::MessageFilter& filter,
                            std::uint64_t after_id, std::size_t limit) {
    constexpr std::string_view kColumns =
        "id, user_ref, kind, status, attempts, last_error, provider_msg_id, available_at, sent_at, delivery_status, "
        "delivered_at";
    const auto campaign = "campaign_id=" + std::to_string(campaign_id);
    const auto status = filter.status ? " AND status=" + c.Quote(domain::ToString(*filter.status)) : std::string();
    if (filter.delivery_status) {  // idx_outbox_campaign_delivery (migration 012); a status is tested per row
        return KeysetPageSql(
            kColumns, "outbox", "idx_outbox_campaign_delivery",
            campaign + " AND delivery_status=" + c.Quote(domain::ToString(*filter.delivery_status)) + status, after_id,
            limit);
    }
    // Of every status: no index leads with campaign_id then id, so the primary key's range from after_id.
    return filter.status
               ? KeysetPageSql(kColumns, "outbox", "idx_outbox_campaign_status", campaign + status, after_id, limit)
               : KeysetPageSql(kColumns, "outbox", "PRIMARY", campaign, after_id, limit);
}

app::CampaignCounts MysqlMessageStore::Counts(std::uint64_t campaign_id) {
    return pool_.With([&](MysqlConnection& c) {
        app::CampaignCounts counts;
        const auto id = std::to_string(campaign_id);
        const auto targets = c.Select("SELECT COUNT(*) AS n FROM campaign_targets WHERE campaign_id=" + id);
        counts.targets = targets[0].UInt(targets.Column("n"));
        const auto outbox =
            c.Select("SELECT status, COUNT(*) AS n FROM outbox WHERE campaign_id=" + id + " GROUP BY status");
        const auto status = outbox.Column("status"), n = outbox.Column("n");
        for (const auto row : outbox) {
            counts.outbox_by_status[row.OutboxStatusOf(status)] = row.UInt(n);
        }
        CountFeedback(c, id, counts);
        return counts;
    });
}

std::vector<app::MessageRecord> MysqlMessageStore::ListMessages(std::uint64_t campaign_id,
                                                                const app::MessageFilter& filter,
                                                                std::uint64_t after_id, std::size_t limit) {
    const auto rows = pool_.With(
        [&](MysqlConnection& c) { return c.Select(MessagesPageSql(c, campaign_id, filter, after_id, limit)); });
    const auto id = rows.Column("id"), user = rows.Column("user_ref"), kind = rows.Column("kind"),
               state = rows.Column("status"), attempts = rows.Column("attempts"), error = rows.Column("last_error"),
               provider_id = rows.Column("provider_msg_id"), available_at = rows.Column("available_at"),
               sent_at = rows.Column("sent_at"), delivery = rows.Column("delivery_status"),
               delivered_at = rows.Column("delivered_at");
    std::vector<app::MessageRecord> messages;
    for (const auto r : rows) {
        messages.push_back({r.UInt(id), r.Text(user), std::string(domain::ToString(r.Channel(kind))),
                            r.OutboxStatusOf(state), r.UInt(attempts), r.OptionalText(error),
                            r.OptionalText(provider_id), r.OptionalText(available_at), r.OptionalText(sent_at),
                            DeliveryStatusOf(r.OptionalText(delivery)), r.OptionalText(delivered_at)});
    }
    return messages;
}

std::uint64_t MysqlMessageStore::CancelUnsent(std::uint64_t campaign_id) {
    return pool_.With([&](MysqlConnection& c) {
        return c.Execute("UPDATE outbox SET status='cancelled', last_error='cancelled' WHERE campaign_id=" +
                         std::to_string(campaign_id) + " AND status IN ('pending','queued','retrying')");
    });
}

}  // namespace bulkmsg::mysql
