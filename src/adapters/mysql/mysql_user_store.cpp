#include "adapters/mysql/mysql_user_store.hpp"

#include "adapters/mysql/sql_statement.hpp"

namespace bulkmsg::mysql {

namespace {

constexpr unsigned kDuplicateKey = 1062;

domain::UserRole RoleOf(const std::string& text) {
    const auto role = domain::ParseUserRole(text);
    if (!role) {
        throw SqlDataError("users", "role", "'" + text + "' is not a role");
    }
    return *role;
}

}  // namespace

std::vector<app::User> MysqlUserStore::Users(const std::function<std::string(MysqlConnection&)>& where) {
    const auto rows = pool_.With([&](MysqlConnection& c) {
        return c.Select("SELECT id, email, role, password_hash, disabled, createdAt FROM users " + where(c));
    });
    const auto id = rows.Column("id"), email = rows.Column("email"), role = rows.Column("role"),
               hash = rows.Column("password_hash"), disabled = rows.Column("disabled"),
               created = rows.Column("createdAt");
    std::vector<app::User> users;
    for (const auto r : rows) {
        users.push_back(
            {r.UInt(id), r.Text(email), RoleOf(r.Text(role)), r.Text(hash), r.Bool(disabled), r.Text(created)});
    }
    return users;
}

std::optional<app::User> MysqlUserStore::FindUser(const std::string& email) {
    auto users = Users([&](MysqlConnection& c) { return Sql(c, "WHERE email=?", email); });
    return users.empty() ? std::nullopt : std::optional(std::move(users[0]));
}

std::optional<app::User> MysqlUserStore::FindUserById(std::uint64_t id) {
    auto users = Users([&](MysqlConnection&) { return "WHERE id=" + std::to_string(id); });
    return users.empty() ? std::nullopt : std::optional(std::move(users[0]));
}

bool MysqlUserStore::AddUser(const std::string& email, domain::UserRole role, const std::string& password_hash) {
    try {
        return pool_.With([&](MysqlConnection& c) {
            return c.Execute(Sql(c, "INSERT INTO users (email, role, password_hash) VALUES (?,?,?)", email,
                                 domain::ToString(role), password_hash)) == 1;
        });
    } catch (const MysqlError& e) {
        if (e.Code() == kDuplicateKey) {
            return false;
        }
        throw;
    }
}

std::vector<app::User> MysqlUserStore::ListUsers() {
    return Users([](MysqlConnection&) { return std::string("ORDER BY id"); });
}

bool MysqlUserStore::DisableUser(const std::string& email) {
    if (!FindUser(email)) {
        return false;
    }
    pool_.With(
        [&](MysqlConnection& c) { return c.Execute(Sql(c, "UPDATE users SET disabled=1 WHERE email=?", email)); });
    return true;
}

bool MysqlUserStore::SetPasswordHash(const std::string& email, const std::string& password_hash) {
    return pool_.With([&](MysqlConnection& c) {
        return c.Execute(Sql(c, "UPDATE users SET password_hash=? WHERE email=?", password_hash, email)) > 0;
    });
}

}  // namespace bulkmsg::mysql
