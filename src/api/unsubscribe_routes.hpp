#pragma once

#include <string>

#include "app/http_types.hpp"
#include "app/unsubscribe_service.hpp"

namespace bulkmsg::api {

/// The one-click unsubscribe routes (RFC 8058), outside /api/v1 and without an API key:
///   POST /u/{token} with the form body `List-Unsubscribe=One-Click` unsubscribes at once: 200, no redirect,
///        idempotent; 400 for an invalid token or body, which writes nothing.
///   GET  /u/{token} shows a small page (no script) naming the channel with one button that POSTs; a GET never
///        unsubscribes (mail scanners follow links). An invalid token gets a plain "link not valid" page (400).
class UnsubscribeRoutes {
public:
    explicit UnsubscribeRoutes(app::UnsubscribeService& service) : service_(service) {}

    static bool Owns(const std::string& path) { return path.rfind("/u/", 0) == 0; }
    /// Throws what the service throws (app::DependencyError for an outage), for the error policy to answer.
    app::HttpResponse Handle(const app::HttpRequest& request);

private:
    app::HttpResponse Post(const app::HttpRequest& request, const std::string& token);
    app::HttpResponse Get(const std::string& token);

    app::UnsubscribeService& service_;
};

}  // namespace bulkmsg::api
