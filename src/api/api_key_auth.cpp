#include "api/api_key_auth.hpp"

#include "domain/sha256.hpp"

namespace bulkmsg::api {

namespace {

constexpr std::chrono::milliseconds kDependencyRetry{500};
constexpr std::chrono::milliseconds kWarningInterval{10'000};

}  // namespace

ApiKeyAuth::ApiKeyAuth(app::ApiKeyStore& keys, app::Clock& clock, app::RateLimiter* limiter, double requests_per_second)
    : keys_(keys),
      clock_(clock),
      limiter_(limiter),
      requests_per_second_(requests_per_second),
      limiter_gate_("api", kDependencyRetry, kWarningInterval) {}

bool ApiKeyAuth::OverRateLimit(const std::string& key_name) {
    const auto now = clock_.Now();
    if (limiter_ == nullptr || requests_per_second_ <= 0 || !limiter_gate_.ShouldTry(now)) {
        return false;
    }
    try {
        return limiter_->Acquire("api:" + key_name, requests_per_second_, 1, now) == 0;
    } catch (const std::exception& e) {
        limiter_gate_.Failed(now, "request rate limiter unavailable; not limiting", e.what());
        return false;
    }
}

std::variant<std::string, app::HttpResponse> ApiKeyAuth::Admit(const app::HttpRequest& request) {
    const auto auth = request.headers.find("authorization");
    const std::string bearer = "Bearer ";
    if (auth == request.headers.end() || auth->second.rfind(bearer, 0) != 0 || auth->second.size() == bearer.size()) {
        return app::JsonError(401, "unauthorized", "send an API key as Authorization: Bearer <key>");
    }
    // Looked up by its SHA-256, so the comparison in the database never sees or times the key itself.
    const auto name = keys_.ApiKeyName(domain::Sha256Hex(auth->second.substr(bearer.size())));
    if (!name) {
        return app::JsonError(401, "unauthorized", "the API key is not valid or was revoked");
    }
    if (OverRateLimit(*name)) {
        auto response =
            app::JsonError(429, "rate_limited",
                           "this API key sent more than " + std::to_string(static_cast<long>(requests_per_second_)) +
                               " requests per second; retry after a second");
        response.headers.emplace_back("Retry-After", "1");
        return response;
    }
    return *name;
}

}  // namespace bulkmsg::api
