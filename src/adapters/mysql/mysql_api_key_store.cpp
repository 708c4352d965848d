#include "adapters/mysql/mysql_api_key_store.hpp"

#include <openssl/crypto.h>

namespace bulkmsg::mysql {

std::optional<std::string> MysqlApiKeyStore::ApiKeyName(const std::string& key_hash) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        return c.Select("SELECT name, key_hash FROM api_keys WHERE key_hash=" + c.Quote(key_hash) +
                        " AND revoked_at IS NULL");
    });
    // The index lookup finds the row; the comparison that decides is constant-time.
    const auto stored = rows.empty() ? std::nullopt : rows[0].OptionalText(rows.Column("key_hash"));
    if (!stored || stored->size() != key_hash.size() ||
        CRYPTO_memcmp(stored->data(), key_hash.data(), key_hash.size()) != 0) {
        return std::nullopt;
    }
    return rows[0].Text(rows.Column("name"));
}

}  // namespace bulkmsg::mysql
