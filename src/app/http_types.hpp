#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace bulkmsg::app {

/// An HTTP request as handlers see it, independent of the server library. Header names are lower-case.
struct HttpRequest {
    std::string method;
    std::string path;
    std::string query;
    std::map<std::string, std::string> headers;
    std::string body;
};

struct HttpResponse {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

/// The error body every bulkmsg endpoint uses: {"error": {"code", "message", "details": [...]}}.
HttpResponse JsonError(unsigned status, const std::string& code, const std::string& message,
                       const nlohmann::json& details = nlohmann::json::array());

}  // namespace bulkmsg::app
