#include "api/access_control.hpp"

#include "domain/access_policy.hpp"

namespace bulkmsg::api {

namespace {

const char* PermissionName(domain::Permission permission) {
    switch (permission) {
        case domain::Permission::kRead: return "read";
        case domain::Permission::kEdit: return "change campaigns";
        case domain::Permission::kAdminister: return "manage suppressions";
    }
    return "do this";
}

}  // namespace

std::variant<Principal, app::HttpResponse> AccessControl::Admit(const app::HttpRequest& request) {
    if (request.headers.contains("authorization") || !SessionAuth::Carries(request)) {
        auto key = keys_.Admit(request);
        if (auto* refusal = std::get_if<app::HttpResponse>(&key)) {
            return std::move(*refusal);
        }
        return Principal{"api_key:" + std::get<std::string>(key), std::nullopt};
    }
    auto session = sessions_.Admit(request);
    if (auto* refusal = std::get_if<app::HttpResponse>(&session)) {
        return std::move(*refusal);
    }
    const auto& user = std::get<app::SessionUser>(session).user;
    const auto needed = domain::RequiredPermission(request.method, request.path);
    if (!domain::Allows(user.role, needed)) {
        return app::JsonError(
            403, "forbidden",
            "the role " + std::string(domain::ToString(user.role)) + " may not " + PermissionName(needed));
    }
    return Principal{"user:" + user.email, user.role};
}

}  // namespace bulkmsg::api
