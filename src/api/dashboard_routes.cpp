#include "api/dashboard_routes.hpp"

#include <algorithm>

namespace bulkmsg::api {

namespace {

// Whether Accept-Encoding lists gzip without refusing it (q=0).
bool AcceptsGzip(const app::HttpRequest& request) {
    const auto it = request.headers.find("accept-encoding");
    if (it == request.headers.end()) {
        return false;
    }
    const auto& value = it->second;
    const auto at = value.find("gzip");
    if (at == std::string::npos) {
        return false;
    }
    const auto end = value.find(',', at);
    const auto params = value.substr(at, end == std::string::npos ? std::string::npos : end - at);
    return params.find("q=0") == std::string::npos || params.find("q=0.") != std::string::npos;
}

void AddSecurityHeaders(app::HttpResponse& response) {
    response.headers.emplace_back("Content-Security-Policy", DashboardRoutes::kContentSecurityPolicy);
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    response.headers.emplace_back("X-Frame-Options", "DENY");
}

}  // namespace

app::HttpResponse DashboardRoutes::Handle(const app::HttpRequest& request) const {
    const auto asset =
        std::find_if(assets_.begin(), assets_.end(), [&](const DashboardAsset& a) { return a.path == request.path; });
    if (asset == assets_.end()) {
        return app::JsonError(404, "not_found", "no dashboard file " + request.path);
    }
    if (request.method != "GET") {
        auto refused = app::JsonError(405, "method_not_allowed", request.path + " accepts GET");
        refused.headers.emplace_back("Allow", "GET");
        return refused;
    }
    app::HttpResponse response;
    response.content_type = std::string(asset->content_type);
    AddSecurityHeaders(response);
    response.headers.emplace_back("Cache-Control", "no-cache");
    response.headers.emplace_back("ETag", std::string(asset->etag));
    response.headers.emplace_back("Vary", "Accept-Encoding");
    const auto match = request.headers.find("if-none-match");
    if (match != request.headers.end() && match->second.find(asset->etag) != std::string::npos) {
        response.status = 304;
        return response;
    }
    if (AcceptsGzip(request)) {
        response.headers.emplace_back("Content-Encoding", "gzip");
        response.body = std::string(asset->gzip_body);
    } else {
        response.body = std::string(asset->body);
    }
    return response;
}

}  // namespace bulkmsg::api
