#include "api/session_cookie.hpp"

#include <string_view>

namespace bulkmsg::api {

namespace {

std::string_view Trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

std::string Attributes(bool secure) {
    return std::string("; Path=/; HttpOnly; SameSite=Lax") + (secure ? "; Secure" : "");
}

}  // namespace

std::string CookieValue(const app::HttpRequest& request, const std::string& name) {
    const auto header = request.headers.find("cookie");
    if (header == request.headers.end()) {
        return "";
    }
    // RFC 6265: "name=value" pairs separated by "; ".
    std::string_view rest = header->second;
    while (!rest.empty()) {
        const auto end = std::min(rest.find(';'), rest.size());
        const auto pair = Trimmed(rest.substr(0, end));
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
            return std::string(pair.substr(equals + 1));
        }
        rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    return "";
}

std::string SessionCookie(const std::string& session_id, std::chrono::seconds lifetime, bool secure) {
    return std::string(kSessionCookie) + "=" + session_id + Attributes(secure) +
           "; Max-Age=" + std::to_string(lifetime.count());
}

std::string ExpiredSessionCookie(bool secure) {
    return std::string(kSessionCookie) + "=" + Attributes(secure) + "; Max-Age=0";
}

}  // namespace bulkmsg::api
