#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/user_role.hpp"

namespace bulkmsg::app {

/// A dashboard user (the `users` table). `email` is stored lower-case.
struct User {
    std::uint64_t id = 0;
    std::string email;
    domain::UserRole role = domain::UserRole::kViewer;
    std::string password_hash;  // PHC-encoded Argon2id
    bool disabled = false;
    std::string created_at;
};

/// The users who log in to the dashboard (port). Thread-safe.
class UserStore {
public:
    virtual ~UserStore() = default;
    virtual std::optional<User> FindUser(const std::string& email) = 0;
    virtual std::optional<User> FindUserById(std::uint64_t id) = 0;
    /// False when a user with that email exists already.
    virtual bool AddUser(const std::string& email, domain::UserRole role, const std::string& password_hash) = 0;
    /// Every user, oldest first.
    virtual std::vector<User> ListUsers() = 0;
    /// False when no user has that email.
    virtual bool DisableUser(const std::string& email) = 0;
    /// False when no user has that email.
    virtual bool SetPasswordHash(const std::string& email, const std::string& password_hash) = 0;
};

}  // namespace bulkmsg::app
