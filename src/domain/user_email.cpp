#include "domain/user_email.hpp"

#include <algorithm>
#include <cctype>

namespace bulkmsg::domain {

std::string NormalizeEmail(std::string_view email) {
    const auto first = email.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return "";
    }
    const auto last = email.find_last_not_of(" \t\r\n");
    std::string normalized(email.substr(first, last - first + 1));
    std::transform(normalized.begin(), normalized.end(), normalized.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return normalized;
}

std::optional<std::string> EmailProblem(std::string_view email) {
    constexpr std::size_t kMaxEmailBytes = 254;
    if (email.empty() || email.size() > kMaxEmailBytes) {
        return "must be 1 to 254 characters";
    }
    const auto at = email.find('@');
    if (at == 0 || at == std::string_view::npos || at + 1 == email.size() ||
        email.find_first_of(" \t\r\n") != std::string_view::npos) {
        return "must be an email address";
    }
    return std::nullopt;
}

}  // namespace bulkmsg::domain
