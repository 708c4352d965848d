#pragma once

#include <chrono>
#include <string>

#include "app/http_types.hpp"

namespace bulkmsg::api {

/// The dashboard session cookie and the CSRF header that goes with it.
inline constexpr const char* kSessionCookie = "bulkmsg_session";
inline constexpr const char* kCsrfHeader = "x-csrf-token";

/// The value of cookie `name` in the request's Cookie header, or "" when absent.
std::string CookieValue(const app::HttpRequest& request, const std::string& name);

/// The Set-Cookie value that stores a session: HttpOnly, SameSite=Lax, Path=/, Max-Age `lifetime`, and Secure
/// when the API is served over https.
std::string SessionCookie(const std::string& session_id, std::chrono::seconds lifetime, bool secure);

/// The Set-Cookie value that makes the browser drop the session cookie.
std::string ExpiredSessionCookie(bool secure);

}  // namespace bulkmsg::api
