#pragma once

#include <string>
#include <vector>

#include "api/dashboard_assets.hpp"
#include "app/http_types.hpp"

namespace bulkmsg::api {

/// The dashboard's static files (docs/dashboard.md), without authentication: the page at "/" and its scripts and
/// styles under /assets/. Every answer carries a Content-Security-Policy allowing this origin's scripts, styles
/// and API calls only (no inline script or style, no framing), `nosniff`, and `Cache-Control: no-cache` with a
/// strong ETag, so a browser revalidates (304 on If-None-Match) and always runs the binary's own version. Bodies are
/// sent gzipped when Accept-Encoding allows it. An unknown /assets/ path is a 404, another method than GET a 405.
class DashboardRoutes {
public:
    explicit DashboardRoutes(const std::vector<DashboardAsset>& assets = DashboardAssets()) : assets_(assets) {}

    static bool Owns(const std::string& path) { return path == "/" || path.rfind("/assets/", 0) == 0; }
    app::HttpResponse Handle(const app::HttpRequest& request) const;

    static constexpr const char* kContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

private:
    const std::vector<DashboardAsset>& assets_;
};

}  // namespace bulkmsg::api
