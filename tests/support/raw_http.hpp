#pragma once

#include <chrono>
#include <string>

namespace bulkmsg::testing {

struct RawHttpResponse {
    unsigned status = 0;
    std::string content_type;  // the Content-Type header's value, "" without one
    std::string body;
};

/// A client connection to 127.0.0.1:port that sends whatever bytes it is given, when it is given them (a request
/// in pieces, a body that stalls). Closed when destroyed.
class RawHttpConnection {
public:
    explicit RawHttpConnection(unsigned short port);
    ~RawHttpConnection();
    RawHttpConnection(const RawHttpConnection&) = delete;
    RawHttpConnection& operator=(const RawHttpConnection&) = delete;

    /// False when connecting failed or the peer stopped taking bytes.
    bool Send(const std::string& bytes);
    /// Reads one HTTP/1.1 response (Content-Length framed); status 0 when the peer closes first or none arrives
    /// within `timeout`.
    RawHttpResponse Receive(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// Every byte the peer sends until it closes the connection (or `timeout` passes without a byte).
    std::string ReceiveUntilClose(std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    template <typename Done>
    std::string ReceiveUntil(Done done, std::chrono::milliseconds timeout);

    int fd_ = -1;
};

/// Sends `raw_request` bytes to 127.0.0.1:port and reads one HTTP/1.1 response (Content-Length framed).
/// Status 0 means the connection failed or closed before a response arrived.
RawHttpResponse SendRawHttp(unsigned short port, const std::string& raw_request);

/// Sends `raw_request` and returns every byte the server sends until it closes the connection.
std::string SendRawHttpUntilClose(unsigned short port, const std::string& raw_request);

/// GET `path` with Connection: close.
RawHttpResponse HttpGet(unsigned short port, const std::string& path);

}  // namespace bulkmsg::testing
