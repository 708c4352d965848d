#pragma once

#include <functional>

#include "adapters/mysql/mysql_pool.hpp"
#include "app/user_store.hpp"

namespace bulkmsg::mysql {

/// UserStore on MariaDB/MySQL (users). Thread-safe.
class MysqlUserStore final : public app::UserStore {
public:
    explicit MysqlUserStore(MysqlPool& pool) : pool_(pool) {}

    std::optional<app::User> FindUser(const std::string& email) override;
    std::optional<app::User> FindUserById(std::uint64_t id) override;
    bool AddUser(const std::string& email, domain::UserRole role, const std::string& password_hash) override;
    std::vector<app::User> ListUsers() override;
    bool DisableUser(const std::string& email) override;
    bool SetPasswordHash(const std::string& email, const std::string& password_hash) override;

private:
    /// The users `where(connection)` selects ("WHERE …" or "ORDER BY …").
    std::vector<app::User> Users(const std::function<std::string(MysqlConnection&)>& where);

    MysqlPool& pool_;
};

}  // namespace bulkmsg::mysql
