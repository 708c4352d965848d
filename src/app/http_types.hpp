#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bulkmsg::app {

/// Why a streamed body could not be read to its end: the HTTP status and error code to answer with
/// (413 payload_too_large, 400 bad_request, 408 request_timeout).
class BodyError : public std::runtime_error {
public:
    BodyError(unsigned status, std::string code, const std::string& message)
        : std::runtime_error(message), status_(status), code_(std::move(code)) {}
    unsigned Status() const { return status_; }
    const std::string& Code() const { return code_; }

private:
    unsigned status_;
    std::string code_;
};

/// A request body the handler reads piece by piece, so that an upload is never held whole in memory.
class BodyStream {
public:
    virtual ~BodyStream() = default;
    /// Points `chunk` at the next piece of the body (valid until the next call) and returns true, or returns
    /// false at the end of the body. Throws BodyError when the body breaks the limit, is malformed or stalls.
    virtual bool Next(std::string_view& chunk) = 0;
};

/// An HTTP request as handlers see it, independent of the server library. Header names are lower-case.
/// On routes the server streams, `body` is empty and `body_stream` delivers the body instead.
struct HttpRequest {
    std::string method;
    std::string path;
    std::string query;
    std::map<std::string, std::string> headers;
    std::string body;
    BodyStream* body_stream = nullptr;
    std::string peer;  // the client's IP address as the server saw it; empty when unknown (tests)
};

/// Calls `consume` with the request body in pieces of at most `chunk_size` bytes, from `body` or `body_stream`.
void ForEachBodyChunk(const HttpRequest& request, std::size_t chunk_size,
                      const std::function<void(std::string_view)>& consume);

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
