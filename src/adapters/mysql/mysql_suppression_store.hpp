#pragma once

#include "adapters/mysql/mysql_pool.hpp"
#include "app/suppression_store.hpp"

namespace bulkmsg::mysql {

/// SuppressionStore on MariaDB/MySQL (suppressions). Thread-safe.
class MysqlSuppressionStore final : public app::SuppressionStore {
public:
    explicit MysqlSuppressionStore(MysqlPool& pool) : pool_(pool) {}

    bool AddSuppression(const app::Suppression& suppression) override;
    bool RemoveSuppression(domain::Channel channel, const std::string& address) override;
    std::vector<app::Suppression> ListSuppressions(std::optional<domain::Channel> channel,
                                                   const std::string& address_prefix, std::uint64_t after_id,
                                                   std::size_t limit) override;
    std::size_t SuppressUnsentRows(domain::Channel channel, const std::string& address,
                                   const std::string& source) override;
    std::optional<std::string> UnsubscribeAddress(const domain::UnsubscribeSubject& subject) override;

private:
    MysqlPool& pool_;
};

}  // namespace bulkmsg::mysql
