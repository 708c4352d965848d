#pragma once

#include <variant>

#include "api/api_key_auth.hpp"
#include "api/session_auth.hpp"

namespace bulkmsg::api {

/// Authentication and authorization in front of /api/v1: a request with an Authorization header is judged as an
/// API key (api_key_auth.hpp), one with the session cookie as a session (session_auth.hpp, CSRF included), one with
/// neither is a 401. A session user whose role lacks the route's permission (domain/access_policy.hpp) gets 403
/// forbidden naming the role. Thread-safe.
class AccessControl {
public:
    AccessControl(ApiKeyAuth& keys, SessionAuth& sessions) : keys_(keys), sessions_(sessions) {}

    std::variant<Principal, app::HttpResponse> Admit(const app::HttpRequest& request);

private:
    ApiKeyAuth& keys_;
    SessionAuth& sessions_;
};

}  // namespace bulkmsg::api
