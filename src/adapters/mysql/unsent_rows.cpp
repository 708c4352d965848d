#include "adapters/mysql/unsent_rows.hpp"

#include "adapters/mysql/campaign_events.hpp"
#include "adapters/mysql/sql_statement.hpp"
#include "domain/target.hpp"

namespace bulkmsg::mysql {

std::size_t SuppressUnsentRows(MysqlConnection& c, domain::Channel channel, const std::vector<std::string>& addresses,
                               const std::string& source) {
    if (addresses.empty()) {
        return 0;
    }
    const auto campaigns =
        c.Select(Sql(c, "SELECT id FROM campaigns WHERE status IN ('running','paused') AND kind=?", channel));
    std::size_t changed = 0;
    for (const auto row : campaigns) {
        const auto campaign_id = row.UInt(campaigns.Column("id"));
        std::vector<std::string> keys;
        keys.reserve(addresses.size());
        for (const auto& address : addresses) {
            keys.push_back(domain::IdempotencyKey(campaign_id, address, channel));
        }
        c.Execute("START TRANSACTION");
        const auto rows = c.Execute(Sql(c,
                                        "UPDATE outbox SET status='suppressed', last_error=? WHERE idempotency_key IN "
                                        "(?) AND status IN ('pending','queued','retrying')",
                                        "suppressed (" + source + ")", SqlList{keys}));
        if (rows > 0) {
            InsertCampaignEvent(c, campaign_id, {"recipient_suppressed", source, {{"rows", rows}, {"source", source}}});
        }
        c.Execute("COMMIT");
        changed += rows;
    }
    return changed;
}

}  // namespace bulkmsg::mysql
