#include "adapters/mysql/mysql_suppression_store.hpp"

#include "adapters/mysql/unsent_rows.hpp"

namespace bulkmsg::mysql {

namespace {

// A LIKE pattern matching the addresses that start with `prefix` (its %, _ and \ taken literally).
std::string LikePrefix(const std::string& prefix) {
    std::string pattern;
    for (const char ch : prefix) {
        if (ch == '%' || ch == '_' || ch == '\\') {
            pattern += '\\';
        }
        pattern += ch;
    }
    return pattern + '%';
}

}  // namespace

bool MysqlSuppressionStore::AddSuppression(const app::Suppression& s) {
    return pool_.With([&](MysqlConnection& c) {
        // MariaDB reports 1 affected row for an insert, 2 for an update of an existing row, 0 when unchanged.
        // Posting again without a reason keeps the one stored.
        // The first source of a suppression stays: a later one-click on an address added by the API changes nothing.
        return c.Execute("INSERT INTO suppressions (channel, address, reason, source, campaign_id) VALUES (" +
                         c.Quote(domain::ToString(s.channel)) + "," + c.Quote(s.address) + "," + c.Quote(s.reason) +
                         "," + c.Quote(s.source) + "," +
                         (s.campaign_id ? std::to_string(*s.campaign_id) : std::string("NULL")) +
                         ") ON DUPLICATE KEY UPDATE reason=IF(VALUES(reason)='', reason, VALUES(reason))") == 1;
    });
}

bool MysqlSuppressionStore::RemoveSuppression(domain::Channel channel, const std::string& address) {
    return pool_.With([&](MysqlConnection& c) {
        return c.Execute("DELETE FROM suppressions WHERE channel=" + c.Quote(domain::ToString(channel)) +
                         " AND address=" + c.Quote(address)) > 0;
    });
}

std::vector<app::Suppression> MysqlSuppressionStore::ListSuppressions(std::optional<domain::Channel> channel,
                                                                      const std::string& address_prefix,
                                                                      std::uint64_t after_id, std::size_t limit) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        return c.Select("SELECT id, channel, address, reason, source, campaign_id FROM suppressions WHERE id > " +
                        std::to_string(after_id) +
                        (channel ? " AND channel=" + c.Quote(domain::ToString(*channel)) : "") +
                        (address_prefix.empty() ? "" : " AND address LIKE " + c.Quote(LikePrefix(address_prefix))) +
                        " ORDER BY id LIMIT " + std::to_string(limit));
    });
    std::vector<app::Suppression> list;
    const auto id = rows.Column("id"), channel_of = rows.Column("channel"), address = rows.Column("address"),
               reason = rows.Column("reason"), source = rows.Column("source"), campaign = rows.Column("campaign_id");
    for (const auto r : rows) {
        list.push_back({r.UInt(id), r.Channel(channel_of), r.Text(address), r.Text(reason),
                        r.OptionalText(source).value_or("api"),
                        r.OptionalText(campaign) ? std::optional(r.UInt(campaign)) : std::nullopt});
    }
    return list;
}

std::size_t MysqlSuppressionStore::SuppressUnsentRows(domain::Channel channel, const std::string& address,
                                                      const std::string& source) {
    return pool_.With([&](MysqlConnection& c) { return mysql::SuppressUnsentRows(c, channel, {address}, source); });
}

std::optional<std::string> MysqlSuppressionStore::UnsubscribeAddress(const domain::UnsubscribeSubject& subject) {
    return pool_.With([&](MysqlConnection& c) {
        return c.QueryValue("SELECT user_ref FROM campaign_targets WHERE id=" + std::to_string(subject.target_id) +
                            " AND campaign_id=" + std::to_string(subject.campaign_id) +
                            " AND kind=" + c.Quote(domain::ToString(subject.channel)));
    });
}

}  // namespace bulkmsg::mysql
