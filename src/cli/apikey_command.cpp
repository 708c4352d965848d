#include <openssl/rand.h>

#include <iostream>

#include "adapters/mysql/mysql_connection.hpp"
#include "cli/commands.hpp"
#include "domain/sha256.hpp"

namespace bulkmsg::cli {

namespace {

// "bmk_" and 64 hex digits from 32 random bytes of OpenSSL's CSPRNG.
std::string NewApiKey() {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
        throw std::runtime_error("the system random generator failed");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string key = "bmk_";
    for (auto b : bytes) {
        key += kHex[b >> 4];
        key += kHex[b & 0x0f];
    }
    return key;
}

}  // namespace

int RunApiKeyCreate(const domain::Config& config, const std::string& name) {
    mysql::MysqlConnection connection(config.db);
    const auto key = NewApiKey();
    connection.Execute("INSERT INTO api_keys (name, key_hash) VALUES (" + connection.Quote(name) + "," +
                       connection.Quote(domain::Sha256Hex(key)) + ")");
    std::cout << "API key '" << name << "' created (id "
              << connection.QueryValue("SELECT LAST_INSERT_ID()").value_or("?")
              << "). It is shown only now; store it safely:\n"
              << key << "\n";
    return kExitOk;
}

int RunApiKeyList(const domain::Config& config) {
    mysql::MysqlConnection connection(config.db);
    std::cout << "id\tname\tcreated\trevoked\n";
    for (const auto& row : connection.Query("SELECT id, name, createdAt, revoked_at FROM api_keys ORDER BY id")) {
        std::cout << row[0].value_or("") << "\t" << row[1].value_or("") << "\t" << row[2].value_or("") << "\t"
                  << row[3].value_or("-") << "\n";
    }
    return kExitOk;
}

int RunApiKeyRevoke(const domain::Config& config, std::uint64_t id) {
    mysql::MysqlConnection connection(config.db);
    const auto changed = connection.Execute("UPDATE api_keys SET revoked_at=NOW(6) WHERE revoked_at IS NULL AND id=" +
                                            std::to_string(id));
    if (changed == 0) {
        std::cerr << "bulkmsg: no active API key with id " << id << "\n";
        return kExitFailure;
    }
    std::cout << "API key " << id << " revoked\n";
    return kExitOk;
}

}  // namespace bulkmsg::cli
