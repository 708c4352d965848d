#include "api/session_routes.hpp"

#include "api/request.hpp"
#include "api/session_cookie.hpp"
#include "domain/user_email.hpp"

namespace bulkmsg::api {

namespace {

nlohmann::json SessionJson(const app::SessionUser& session) {
    return {{"email", session.user.email},
            {"role", std::string(domain::ToString(session.user.role))},
            {"csrf_token", session.csrf_token}};
}

std::string TextField(const nlohmann::json& body, const std::string& name, std::vector<domain::FieldError>& errors) {
    const auto it = body.find(name);
    if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
        errors.push_back({name, "required, a non-empty string"});
        return "";
    }
    return it->get<std::string>();
}

}  // namespace

app::HttpResponse SessionRoutes::Handle(const app::HttpRequest& request) {
    if (request.method == "POST") {
        return Login(request);
    }
    if (request.method == "GET") {
        return Show(request);
    }
    if (request.method == "DELETE") {
        return Logout(request);
    }
    return app::JsonError(405, "method_not_allowed", "/session accepts GET, POST, DELETE");
}

app::HttpResponse SessionRoutes::Login(const app::HttpRequest& request) {
    std::vector<domain::FieldError> errors;
    const auto body = JsonObjectBody(request, {"email", "password"}, errors);
    const auto email = domain::NormalizeEmail(TextField(body, "email", errors));
    const auto password = TextField(body, "password", errors);
    if (!errors.empty()) {
        RejectFields("the login is not valid", errors);
    }
    // A session id the client brought is ended, never adopted (session fixation).
    sessions_.Logout(CookieValue(request, kSessionCookie));
    const auto result = sessions_.Login(email, password, request.peer);
    if (result.outcome == app::LoginResult::Outcome::kLocked) {
        auto response = app::JsonError(429, "login_locked",
                                       "too many wrong passwords for this account or from this address; retry after " +
                                           std::to_string(result.retry_after.count()) + " seconds");
        response.headers.emplace_back("Retry-After", std::to_string(result.retry_after.count()));
        return response;
    }
    if (result.outcome == app::LoginResult::Outcome::kWrongCredentials) {
        return app::JsonError(401, "invalid_credentials", "the email or the password is wrong");
    }
    auto response = app::JsonResponse(201, SessionJson(result.session));
    response.headers.emplace_back("Set-Cookie",
                                  SessionCookie(result.session_id, sessions_.CookieLifetime(), secure_cookie_));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

app::HttpResponse SessionRoutes::Show(const app::HttpRequest& request) {
    auto admitted = auth_.Admit(request);
    if (auto* refusal = std::get_if<app::HttpResponse>(&admitted)) {
        return std::move(*refusal);
    }
    auto response = app::JsonResponse(200, SessionJson(std::get<app::SessionUser>(admitted)));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

app::HttpResponse SessionRoutes::Logout(const app::HttpRequest& request) {
    auto admitted = auth_.Admit(request);
    if (auto* refusal = std::get_if<app::HttpResponse>(&admitted)) {
        return std::move(*refusal);
    }
    sessions_.Logout(CookieValue(request, kSessionCookie));
    app::HttpResponse response;
    response.status = 204;
    response.content_type.clear();
    response.headers.emplace_back("Set-Cookie", ExpiredSessionCookie(secure_cookie_));
    return response;
}

}  // namespace bulkmsg::api
