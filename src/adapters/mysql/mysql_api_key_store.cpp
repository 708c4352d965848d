#include "adapters/mysql/mysql_api_key_store.hpp"

#include <openssl/crypto.h>

namespace bulkmsg::mysql {

std::optional<std::string> MysqlApiKeyStore::ApiKeyName(const std::string& key_hash) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        return c.Query("SELECT name, key_hash FROM api_keys WHERE key_hash=" + c.Quote(key_hash) +
                       " AND revoked_at IS NULL");
    });
    // The index lookup finds the row; the comparison that decides is constant-time.
    if (rows.empty() || !rows[0][1] || rows[0][1]->size() != key_hash.size() ||
        CRYPTO_memcmp(rows[0][1]->data(), key_hash.data(), key_hash.size()) != 0) {
        return std::nullopt;
    }
    return rows[0][0];
}

}  // namespace bulkmsg::mysql
