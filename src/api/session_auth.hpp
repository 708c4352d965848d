#pragma once

#include <optional>
#include <string>
#include <variant>

#include "app/http_types.hpp"
#include "app/session_service.hpp"
#include "domain/user_role.hpp"

namespace bulkmsg::api {

/// Who sent an /api/v1 request: the actor the audit trail names ("api_key:<name>" or "user:<email>") and, for a
/// session, the user's role (an API key may do everything the API offers).
struct Principal {
    std::string actor;
    std::optional<domain::UserRole> role;
};

/// Session authentication for the API: the session cookie must name a live session (401 otherwise) and, on a
/// request that changes state, X-CSRF-Token must equal the session's token, compared in constant time (403
/// csrf_token_invalid otherwise). Thread-safe.
class SessionAuth {
public:
    explicit SessionAuth(app::SessionService& sessions) : sessions_(sessions) {}

    /// True when the request carries a session cookie at all.
    static bool Carries(const app::HttpRequest& request);
    /// The session's user, or the response that refuses the request.
    std::variant<app::SessionUser, app::HttpResponse> Admit(const app::HttpRequest& request);

private:
    app::SessionService& sessions_;
};

}  // namespace bulkmsg::api
