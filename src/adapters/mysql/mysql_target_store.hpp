#pragma once

#include "adapters/mysql/mysql_pool.hpp"
#include "app/target_store.hpp"

namespace bulkmsg::mysql {

/// TargetStore on MariaDB/MySQL (campaign_targets). Thread-safe.
class MysqlTargetStore final : public app::TargetStore {
public:
    explicit MysqlTargetStore(MysqlPool& pool) : pool_(pool) {}

    app::TargetInsertResult InsertTargets(std::uint64_t campaign_id,
                                          const std::vector<domain::Target>& targets) override;

private:
    MysqlPool& pool_;
};

}  // namespace bulkmsg::mysql
