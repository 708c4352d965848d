#include "support/raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bulkmsg::testing {

namespace {

RawHttpResponse Parse(const std::string& data) {
    RawHttpResponse response;
    auto header_end = data.find("\r\n\r\n");
    if (data.rfind("HTTP/1.1 ", 0) != 0 || header_end == std::string::npos) {
        return response;
    }
    response.status = static_cast<unsigned>(std::stoul(data.substr(9, 3)));
    response.body = data.substr(header_end + 4);
    return response;
}

size_t ExpectedLength(const std::string& data) {
    auto header_end = data.find("\r\n\r\n");
    if (header_end == std::string::npos) {
        return std::string::npos;
    }
    auto pos = data.find("Content-Length: ");
    if (pos == std::string::npos || pos > header_end) {
        return std::string::npos;
    }
    return header_end + 4 + std::stoul(data.substr(pos + 16));
}

// Sends the request and reads until `done(data)` holds or the peer closes; "" when connecting fails.
std::string Exchange(unsigned short port, const std::string& raw_request, bool (*done)(const std::string&)) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        close(fd);
        return {};
    }
    for (size_t sent = 0; sent < raw_request.size();) {
        auto n = send(fd, raw_request.data() + sent, raw_request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            break;
        }
        sent += static_cast<size_t>(n);
    }
    std::string data;
    char buffer[4096];
    while (!done(data)) {
        auto n = recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0) {
            break;
        }
        data.append(buffer, static_cast<size_t>(n));
    }
    close(fd);
    return data;
}

}  // namespace

RawHttpResponse SendRawHttp(unsigned short port, const std::string& raw_request) {
    return Parse(Exchange(port, raw_request, [](const std::string& d) { return d.size() >= ExpectedLength(d); }));
}

std::string SendRawHttpUntilClose(unsigned short port, const std::string& raw_request) {
    return Exchange(port, raw_request, [](const std::string&) { return false; });
}

RawHttpResponse HttpGet(unsigned short port, const std::string& path) {
    return SendRawHttp(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

}  // namespace bulkmsg::testing
