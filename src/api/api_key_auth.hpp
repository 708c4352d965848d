#pragma once

#include <string>
#include <variant>

#include "app/api_key_store.hpp"
#include "app/clock.hpp"
#include "app/delivery_ports.hpp"
#include "app/http_types.hpp"
#include "app/outage_gate.hpp"

namespace bulkmsg::api {

/// The middleware in front of every /api/v1 route: `Authorization: Bearer <key>` of an active API key (401
/// otherwise), then the per-key request rate (`requests_per_second` > 0, bursts of one second's worth, shared
/// through `limiter`; 429 with Retry-After past it). When the limiter fails, requests pass unlimited and it is left
/// alone for 500 ms, its warning logged at most every 10 s. Thread-safe when the store and limiter are.
class ApiKeyAuth {
public:
    ApiKeyAuth(app::ApiKeyStore& keys, app::Clock& clock, app::RateLimiter* limiter = nullptr,
               double requests_per_second = 0);

    /// The API key's name, or the response that refuses the request.
    std::variant<std::string, app::HttpResponse> Admit(const app::HttpRequest& request);

private:
    bool OverRateLimit(const std::string& key_name);

    app::ApiKeyStore& keys_;
    app::Clock& clock_;
    app::RateLimiter* limiter_;
    double requests_per_second_;
    app::OutageGate limiter_gate_;
};

}  // namespace bulkmsg::api
