#pragma once

#include <string>

#include "app/clock.hpp"
#include "app/delivery_ports.hpp"
#include "app/http_types.hpp"
#include "app/unsubscribe_service.hpp"

namespace bulkmsg::api {

/// The one-click unsubscribe routes (RFC 8058), outside /api/v1 and without an API key:
///   POST /u/{token} with the form body `List-Unsubscribe=One-Click` unsubscribes at once: 200, no redirect,
///        idempotent; 400 for an invalid token or body, which writes nothing.
///   GET  /u/{token} shows a small page (no script) naming the channel with one button that POSTs; a GET never
///        unsubscribes (mail scanners follow links). An invalid token gets a plain "link not valid" page (400).
/// Each client address may send kRequestsPerSecond (Redis token bucket `unsubscribe:<ip>`, shared by the API
/// processes); more get 429. Without a limiter, or while it is unreachable, nothing is limited.
class UnsubscribeRoutes {
public:
    static constexpr double kRequestsPerSecond = 20;

    UnsubscribeRoutes(app::UnsubscribeService& service, app::RateLimiter* limiter, app::Clock& clock)
        : service_(service), limiter_(limiter), clock_(clock) {}

    static bool Owns(const std::string& path) { return path.rfind("/u/", 0) == 0; }
    /// Throws what the service throws (app::DependencyError for an outage), for the error policy to answer.
    app::HttpResponse Handle(const app::HttpRequest& request);

private:
    app::HttpResponse Post(const app::HttpRequest& request, const std::string& token);
    app::HttpResponse Get(const std::string& token);
    bool OverRateLimit(const app::HttpRequest& request);

    app::UnsubscribeService& service_;
    app::RateLimiter* limiter_;
    app::Clock& clock_;
};

}  // namespace bulkmsg::api
