#pragma once

#include <string>

#include "api/session_auth.hpp"
#include "app/http_types.hpp"
#include "app/session_service.hpp"

namespace bulkmsg::api {

/// /session, the dashboard's login: POST (JSON email + password) starts a session and sets its cookie (201, 401
/// invalid_credentials, 429 login_locked with Retry-After); GET answers the session's user and CSRF token (401
/// without one); DELETE ends it (CSRF token required) and clears the cookie (204). Thread-safe.
class SessionRoutes {
public:
    /// `secure_cookie`: the API is served over https (PUBLIC_BASE_URL), so the cookie gets Secure.
    SessionRoutes(app::SessionService& sessions, SessionAuth& auth, bool secure_cookie)
        : sessions_(sessions), auth_(auth), secure_cookie_(secure_cookie) {}

    static bool Owns(const std::string& path) { return path == "/session"; }
    app::HttpResponse Handle(const app::HttpRequest& request);

private:
    app::HttpResponse Login(const app::HttpRequest& request);
    app::HttpResponse Show(const app::HttpRequest& request);
    app::HttpResponse Logout(const app::HttpRequest& request);

    app::SessionService& sessions_;
    SessionAuth& auth_;
    bool secure_cookie_;
};

}  // namespace bulkmsg::api
