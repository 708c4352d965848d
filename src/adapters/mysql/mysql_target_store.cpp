#include "adapters/mysql/mysql_target_store.hpp"

namespace bulkmsg::mysql {

app::TargetInsertResult MysqlTargetStore::InsertTargets(std::uint64_t campaign_id,
                                                        const std::vector<domain::Target>& targets) {
    if (targets.empty()) {
        return {};
    }
    return pool_.With([&](MysqlConnection& c) {
        std::string sql =
            "INSERT IGNORE INTO campaign_targets (campaign_id, user_ref, kind, timezone, metadata) VALUES ";
        for (std::size_t i = 0; i < targets.size(); ++i) {
            const auto& t = targets[i];
            sql += (i ? ",(" : "(") + std::to_string(campaign_id) + "," + c.Quote(t.user_ref) + ",'" +
                   std::string(domain::ToString(t.kind)) + "'," + c.Quote(t.timezone) + "," +
                   c.Quote(t.metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + ")";
        }
        // Autocommit; uploads write two batches at a time (TargetUpload), whose INSERT IGNOREs can deadlock.
        const auto inserted = c.ExecuteRetryingDeadlocks(sql);
        return app::TargetInsertResult{inserted, targets.size() - inserted};
    });
}

}  // namespace bulkmsg::mysql
