#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "app/http_types.hpp"

namespace bulkmsg::api {

/// What a matched route's handler gets: the request, who sent it (the API key's name) and the {id} segment
/// (0 when the route has none).
struct RouteCall {
    const app::HttpRequest& request;
    const std::string& actor;
    std::uint64_t id;
};

using RouteHandler = std::function<app::HttpResponse(const RouteCall&)>;

struct Route {
    std::string method;
    std::string path;  // under the router's prefix; "{id}" matches one segment holding a positive id
    RouteHandler handle;
    bool streams_body = false;  // the server hands the handler the body piece by piece (uploads)
};

/// One route table under a path prefix: dispatch reads it, and Routes() publishes it (api/openapi.yaml must
/// document exactly these). 404 for a path no route has, 405 naming the methods a matching path accepts, 400
/// invalid_id for an {id} that is not a positive integer.
class Router {
public:
    explicit Router(std::string prefix);

    void Add(Route route);
    /// True for paths under the prefix.
    bool Owns(const std::string& path) const;
    /// True when the request line names a route whose body is streamed.
    bool StreamsBody(const app::HttpRequest& head) const;
    /// Every route as (method, full path template).
    std::vector<std::pair<std::string, std::string>> Routes() const;
    /// The matching route's answer; a handler's exception goes to the caller.
    app::HttpResponse Dispatch(const app::HttpRequest& request, const std::string& actor) const;

private:
    const Route* Match(const app::HttpRequest& request, std::optional<std::string>& id_text,
                       std::string& allowed) const;

    std::string prefix_;
    std::vector<Route> routes_;
};

}  // namespace bulkmsg::api
