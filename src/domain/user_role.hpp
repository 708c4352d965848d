#pragma once

#include <optional>
#include <string_view>

namespace bulkmsg::domain {

/// What a dashboard user may do (the `users.role` column): viewers read; editors also create, upload, send, pause
/// and cancel; admins also manage suppressions and users.
enum class UserRole { kViewer, kEditor, kAdmin };

std::string_view ToString(UserRole role);
std::optional<UserRole> ParseUserRole(std::string_view text);

/// What a request to /api/v1 needs, judged by access_policy.hpp.
enum class Permission { kRead, kEdit, kAdminister };

/// Whether `role` holds `permission` (the roles nest: admin ⊃ editor ⊃ viewer).
bool Allows(UserRole role, Permission permission);

}  // namespace bulkmsg::domain
