#include "domain/user_role.hpp"

#include "domain/enum_names.hpp"

namespace bulkmsg::domain {

namespace {

constexpr EnumNames<UserRole, 3> kNames{{"viewer", "editor", "admin"}};

}  // namespace

std::string_view ToString(UserRole role) {
    return kNames.Of(role);
}

std::optional<UserRole> ParseUserRole(std::string_view text) {
    return kNames.Parse(text);
}

bool Allows(UserRole role, Permission permission) {
    // Both enums are ordered by rank, so a role holds every permission up to its own.
    return static_cast<int>(role) >= static_cast<int>(permission);
}

}  // namespace bulkmsg::domain
