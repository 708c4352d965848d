#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bulkmsg::domain {

/// A user's login email as stored and compared: ASCII letters lower-cased, surrounding blanks removed.
std::string NormalizeEmail(std::string_view email);

/// Why a normalized email cannot name a user (empty, over 254 bytes, no '@' between text), or nullopt.
std::optional<std::string> EmailProblem(std::string_view email);

}  // namespace bulkmsg::domain
