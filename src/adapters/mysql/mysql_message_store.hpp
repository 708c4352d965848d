#pragma once

#include "adapters/mysql/mysql_pool.hpp"
#include "app/message_store.hpp"

namespace bulkmsg::mysql {

/// One page of a campaign's outbox rows in id order (keyset: ids after `after_id`), of the filter's status and
/// delivery status when given. Exposed so a test can EXPLAIN exactly what runs.
std::string MessagesPageSql(MysqlConnection& c, std::uint64_t campaign_id, const app::MessageFilter& filter,
                            std::uint64_t after_id, std::size_t limit);

/// MessageStore on MariaDB/MySQL (the outbox rows of a campaign). Thread-safe.
class MysqlMessageStore final : public app::MessageStore {
public:
    explicit MysqlMessageStore(MysqlPool& pool) : pool_(pool) {}

    app::CampaignCounts Counts(std::uint64_t campaign_id) override;
    std::vector<app::MessageRecord> ListMessages(std::uint64_t campaign_id, const app::MessageFilter& filter,
                                                 std::uint64_t after_id, std::size_t limit) override;
    std::uint64_t CancelUnsent(std::uint64_t campaign_id) override;

private:
    MysqlPool& pool_;
};

}  // namespace bulkmsg::mysql
