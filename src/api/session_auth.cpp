#include "api/session_auth.hpp"

#include "api/session_cookie.hpp"
#include "domain/access_policy.hpp"
#include "domain/secret_text.hpp"

namespace bulkmsg::api {

bool SessionAuth::Carries(const app::HttpRequest& request) {
    return !CookieValue(request, kSessionCookie).empty();
}

std::variant<app::SessionUser, app::HttpResponse> SessionAuth::Admit(const app::HttpRequest& request) {
    auto session = sessions_.Resolve(CookieValue(request, kSessionCookie));
    if (!session) {
        return app::JsonError(401, "unauthorized", "the session is not valid or has ended; log in with POST /session");
    }
    if (domain::ChangesState(request.method)) {
        const auto header = request.headers.find(kCsrfHeader);
        if (header == request.headers.end() || !domain::SameSecret(header->second, session->csrf_token)) {
            return app::JsonError(
                403, "csrf_token_invalid",
                "a request that changes something needs the session's CSRF token in X-CSRF-Token (GET /session)",
                nlohmann::json::array(
                    {{{"field", "X-CSRF-Token"}, {"reason", header == request.headers.end() ? "missing" : "wrong"}}}));
        }
    }
    return std::move(*session);
}

}  // namespace bulkmsg::api
