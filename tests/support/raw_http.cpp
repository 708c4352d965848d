#include "support/raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace bulkmsg::testing {

namespace {

// The value of header `lower_name` (given in lower case) in a response's header block, "" when it has none.
std::string HeaderValue(const std::string& head, const std::string& lower_name) {
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto at = lower.find("\r\n" + lower_name + ":");
    if (at == std::string::npos) {
        return "";
    }
    const auto start = head.find_first_not_of(' ', at + lower_name.size() + 3);
    const auto end = head.find("\r\n", at + 2);
    return start == std::string::npos || start >= end ? "" : head.substr(start, end - start);
}

RawHttpResponse Parse(const std::string& data) {
    RawHttpResponse response;
    auto header_end = data.find("\r\n\r\n");
    if (data.rfind("HTTP/1.1 ", 0) != 0 || header_end == std::string::npos) {
        return response;
    }
    response.status = static_cast<unsigned>(std::stoul(data.substr(9, 3)));
    response.content_type = HeaderValue(data.substr(0, header_end), "content-type");
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

}  // namespace

RawHttpConnection::RawHttpConnection(unsigned short port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        close(fd_);
        fd_ = -1;
    }
}

RawHttpConnection::~RawHttpConnection() {
    if (fd_ >= 0) {
        close(fd_);
    }
}

bool RawHttpConnection::Send(const std::string& bytes) {
    for (size_t sent = 0; fd_ >= 0 && sent < bytes.size();) {
        auto n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        sent += static_cast<size_t>(n);
    }
    return fd_ >= 0;
}

template <typename Done>
std::string RawHttpConnection::ReceiveUntil(Done done, std::chrono::milliseconds timeout) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    timeval limit{static_cast<time_t>(micros / 1'000'000), static_cast<suseconds_t>(micros % 1'000'000)};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    std::string data;
    char buffer[4096];
    while (fd_ >= 0 && !done(data)) {
        auto n = recv(fd_, buffer, sizeof(buffer), 0);
        if (n <= 0) {
            break;
        }
        data.append(buffer, static_cast<size_t>(n));
    }
    return data;
}

RawHttpResponse RawHttpConnection::Receive(std::chrono::milliseconds timeout) {
    return Parse(ReceiveUntil([](const std::string& d) { return d.size() >= ExpectedLength(d); }, timeout));
}

std::string RawHttpConnection::ReceiveUntilClose(std::chrono::milliseconds timeout) {
    return ReceiveUntil([](const std::string&) { return false; }, timeout);
}

RawHttpResponse SendRawHttp(unsigned short port, const std::string& raw_request) {
    RawHttpConnection connection(port);
    connection.Send(raw_request);
    return connection.Receive();
}

std::string SendRawHttpUntilClose(unsigned short port, const std::string& raw_request) {
    RawHttpConnection connection(port);
    connection.Send(raw_request);
    return connection.ReceiveUntilClose();
}

RawHttpResponse HttpGet(unsigned short port, const std::string& path) {
    return SendRawHttp(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

}  // namespace bulkmsg::testing
