#include "adapters/mysql/mysql_message_store.hpp"

#include "adapters/mysql/keyset_page.hpp"

namespace bulkmsg::mysql {

namespace {

domain::OutboxStatus ReadOutboxStatus(const std::optional<std::string>& text) {
    const auto status = domain::ParseOutboxStatus(text.value_or(""));
    if (!status) {
        throw MysqlError(0, "outbox.status: unreadable value '" + text.value_or("NULL") + "'");
    }
    return *status;
}

}  // namespace

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
        counts.targets =
            std::stoull(c.QueryValue("SELECT COUNT(*) FROM campaign_targets WHERE campaign_id=" + id).value_or("0"));
        for (const auto& row :
             c.Query("SELECT status, COUNT(*) FROM outbox WHERE campaign_id=" + id + " GROUP BY status")) {
            counts.outbox_by_status[ReadOutboxStatus(row[0])] = std::stoull(row[1].value_or("0"));
        }
        return counts;
    });
}

std::vector<app::MessageRecord> MysqlMessageStore::ListMessages(std::uint64_t campaign_id,
                                                                std::optional<domain::OutboxStatus> status,
                                                                std::uint64_t after_id, std::size_t limit) {
    const auto rows = pool_.With(
        [&](MysqlConnection& c) { return c.Query(MessagesPageSql(c, campaign_id, status, after_id, limit)); });
    std::vector<app::MessageRecord> messages;
    for (const auto& r : rows) {
        messages.push_back({std::stoull(r[0].value_or("0")), r[1].value_or(""), r[2].value_or(""),
                            ReadOutboxStatus(r[3]), std::stoull(r[4].value_or("0")), r[5], r[6], r[7], r[8]});
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
