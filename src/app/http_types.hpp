#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

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
    std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
    std::chrono::milliseconds delay{0};  // the server waits this long before answering (without blocking a thread)
    bool drop_connection = false;        // close the connection without answering (fault injection)
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

/// A JSON response; invalid UTF-8 in strings is replaced rather than thrown on.
HttpResponse JsonResponse(unsigned status, const nlohmann::json& body);

/// The error body every bulkmsg endpoint uses: {"error": {"code", "message", "details": [...]}}.
HttpResponse JsonError(unsigned status, const std::string& code, const std::string& message,
                       const nlohmann::json& details = nlohmann::json::array());

}  // namespace bulkmsg::app
