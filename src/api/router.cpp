#include "api/router.hpp"

#include <optional>

#include "api/request.hpp"

namespace bulkmsg::api {

namespace {

std::vector<std::string_view> Segments(std::string_view path) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0; start <= path.size();) {
        const auto end = std::min(path.find('/', start), path.size());
        parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

// Whether a path under the prefix fits a route pattern; the text of its {id} segment goes to `id_text`.
bool PathMatches(std::string_view pattern, std::string_view path, std::optional<std::string>& id_text) {
    const auto expected = Segments(pattern);
    const auto parts = Segments(path);
    if (expected.size() != parts.size()) {
        return false;
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (expected[i] == "{id}") {
            id_text = std::string(parts[i]);
        } else if (expected[i] != parts[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

Router::Router(std::string prefix) : prefix_(std::move(prefix)) {}

void Router::Add(Route route) {
    routes_.push_back(std::move(route));
}

bool Router::Owns(const std::string& path) const {
    return path == prefix_ || path.rfind(prefix_ + "/", 0) == 0;
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
    std::vector<std::pair<std::string, std::string>> routes;
    for (const auto& route : routes_) {
        routes.emplace_back(route.method, prefix_ + route.path);
    }
    return routes;
}

const Route* Router::Match(const app::HttpRequest& request, std::optional<std::string>& id_text,
                           std::string& allowed) const {
    if (!Owns(request.path)) {
        return nullptr;
    }
    const auto path = std::string_view(request.path).substr(prefix_.size());
    for (const auto& route : routes_) {
        if (!PathMatches(route.path, path, id_text)) {
            continue;
        }
        if (route.method == request.method) {
            return &route;
        }
        allowed += (allowed.empty() ? "" : ", ") + route.method;
    }
    return nullptr;
}

bool Router::StreamsBody(const app::HttpRequest& head) const {
    std::optional<std::string> id_text;
    std::string allowed;
    const auto* route = Match(head, id_text, allowed);
    return route != nullptr && route->streams_body;
}

app::HttpResponse Router::Dispatch(const app::HttpRequest& request, const std::string& actor) const {
    std::optional<std::string> id_text;
    std::string allowed;
    const auto* route = Match(request, id_text, allowed);
    if (route == nullptr) {
        if (!allowed.empty()) {
            return app::JsonError(405, "method_not_allowed", request.path + " accepts " + allowed);
        }
        return app::JsonError(404, "not_found", "no route for " + request.method + " " + request.path);
    }
    const auto id = id_text ? ParseId(*id_text) : std::optional<std::uint64_t>(0);
    if (!id) {
        throw BadRequest(
            400, "invalid_id", "campaign id must be a positive integer",
            nlohmann::json::array({{{"field", "id"}, {"reason", "'" + *id_text + "' is not a positive integer"}}}));
    }
    return route->handle({request, actor, *id});
}

}  // namespace bulkmsg::api
