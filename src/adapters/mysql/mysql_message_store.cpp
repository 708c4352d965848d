#include "adapters/mysql/mysql_message_store.hpp"

#include "adapters/mysql/keyset_page.hpp"

namespace bulkmsg::mysql {

std::string MessagesPageSql(MysqlConnection& c, std::uint64_t campaign_id, std::optional<domain::OutboxStatus> status,
                            std::uint64_t after_id, std::size_t limit) {
    constexpr std::string_view kColumns =
        "id, user_ref, kind, status, attempts, last_error, provider_msg_id, available_at, sent_at";
    const auto campaign = "campaign_id=" + std::to_string(campaign_id);
    // Of every status: no index leads with campaign_id then id, so the primary key's range from after_id.
    return status ? KeysetPageSql(kColumns, "outbox", "idx_outbox_campaign_status",
                                  campaign + " AND status=" + c.Quote(domain::ToString(*status)), after_id, limit)
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
        return counts;
    });
}

std::vector<app::MessageRecord> MysqlMessageStore::ListMessages(std::uint64_t campaign_id,
                                                                std::optional<domain::OutboxStatus> status,
                                                                std::uint64_t after_id, std::size_t limit) {
    const auto rows = pool_.With(
        [&](MysqlConnection& c) { return c.Select(MessagesPageSql(c, campaign_id, status, after_id, limit)); });
    const auto id = rows.Column("id"), user = rows.Column("user_ref"), kind = rows.Column("kind"),
               state = rows.Column("status"), attempts = rows.Column("attempts"), error = rows.Column("last_error"),
               provider_id = rows.Column("provider_msg_id"), available_at = rows.Column("available_at"),
               sent_at = rows.Column("sent_at");
    std::vector<app::MessageRecord> messages;
    for (const auto r : rows) {
        messages.push_back({r.UInt(id), r.Text(user), std::string(domain::ToString(r.Channel(kind))),
                            r.OutboxStatusOf(state), r.UInt(attempts), r.OptionalText(error),
                            r.OptionalText(provider_id), r.OptionalText(available_at), r.OptionalText(sent_at)});
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
