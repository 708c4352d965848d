#pragma once

#include <string>

namespace bulkmsg::testing {

struct RawHttpResponse {
    unsigned status = 0;
    std::string body;
};

/// Sends `raw_request` bytes to 127.0.0.1:port and reads one HTTP/1.1 response (Content-Length framed).
/// Status 0 means the connection failed or closed before a response arrived.
RawHttpResponse SendRawHttp(unsigned short port, const std::string& raw_request);

/// Sends `raw_request` and returns every byte the server sends until it closes the connection.
std::string SendRawHttpUntilClose(unsigned short port, const std::string& raw_request);

/// GET `path` with Connection: close.
RawHttpResponse HttpGet(unsigned short port, const std::string& path);

}  // namespace bulkmsg::testing
