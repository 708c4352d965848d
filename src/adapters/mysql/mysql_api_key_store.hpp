#pragma once

#include "adapters/mysql/mysql_pool.hpp"
#include "app/api_key_store.hpp"

namespace bulkmsg::mysql {

/// ApiKeyStore on MariaDB/MySQL (api_keys). Thread-safe.
class MysqlApiKeyStore final : public app::ApiKeyStore {
public:
    explicit MysqlApiKeyStore(MysqlPool& pool) : pool_(pool) {}

    std::optional<std::string> ApiKeyName(const std::string& key_hash) override;

private:
    MysqlPool& pool_;
};

}  // namespace bulkmsg::mysql
