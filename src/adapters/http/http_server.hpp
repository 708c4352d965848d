#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "app/http_types.hpp"

namespace bulkmsg::http {

struct HttpServerOptions {
    std::string address = "0.0.0.0";
    std::uint16_t port = 0;  // 0 picks a free port (tests)
    unsigned threads = 1;
    std::uint64_t body_limit_bytes = 1 << 20;
};

/// An HTTP/1.1 server (Boost.Beast, keep-alive) that passes each request to one handler. The handler
/// runs on the server's I/O threads and must be thread-safe; an exception it throws becomes a JSON 500
/// (a BodyError its status). Oversized bodies get 413 and malformed requests 400 without reaching the handler;
/// a streamed body (see StreamBodies) is read while the handler runs, and a connection whose streamed body the
/// handler did not read to its end is closed after the answer.
/// `Expect: 100-continue` is answered once the headers are accepted.
class HttpServer {
public:
    HttpServer(HttpServerOptions options, app::HttpHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Before Start: requests for which `applies` (given the request without its body) is true get their body as
    /// a BodyStream, of at most `limit_bytes` instead of the options' body limit; a streamed body that stops
    /// arriving for `idle_timeout` ends with a BodyError (408).
    void StreamBodies(std::function<bool(const app::HttpRequest&)> applies, std::uint64_t limit_bytes,
                      std::chrono::milliseconds idle_timeout = std::chrono::seconds(60));
    /// Before Start: the body limit of each request that is not streamed, judged on the request without its body,
    /// instead of the options' one limit (the webhooks have their own).
    void LimitBodies(std::function<std::uint64_t(const app::HttpRequest&)> limit_of);
    /// Binds, listens and starts the I/O threads. Throws when the port cannot be bound.
    void Start();
    /// Stops accepting and closes connections; joins the threads. Idempotent.
    void Stop();
    std::uint16_t Port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bulkmsg::http
