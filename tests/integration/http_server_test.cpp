#include "adapters/http/http_server.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "support/raw_http.hpp"

namespace bulkmsg::http {
namespace {

using testing::HttpGet;
using testing::SendRawHttp;

class HttpServerTest : public ::testing::Test {
protected:
    void StartServer(app::HttpHandler handler) {
        server_ = std::make_unique<HttpServer>(HttpServerOptions{"127.0.0.1", 0, 2, 1024}, std::move(handler));
        server_->StreamBodies([](const app::HttpRequest& head) { return head.path == "/stream"; }, 200'000,
                              std::chrono::milliseconds(300));
        server_->Start();
    }
    std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, PassesMethodPathQueryHeadersAndBodyToTheHandler) {
    StartServer([](const app::HttpRequest& r) {
        app::HttpResponse response;
        response.status = 201;
        response.content_type = "text/plain";
        response.body = r.method + "|" + r.path + "|" + r.query + "|" + r.headers.at("x-test") + "|" + r.body;
        return response;
    });
    auto response = SendRawHttp(server_->Port(),
                                "POST /a/b?x=1 HTTP/1.1\r\nHost: h\r\nX-Test: yes\r\nContent-Length: 5\r\n"
                                "Connection: close\r\n\r\nhello");
    EXPECT_EQ(response.status, 201u);
    EXPECT_EQ(response.body, "POST|/a/b|x=1|yes|hello");
}

TEST_F(HttpServerTest, KeepsTheConnectionOpenForSeveralRequests) {
    std::atomic<int> calls{0};
    StartServer([&calls](const app::HttpRequest&) {
        app::HttpResponse response;
        response.content_type = "text/plain";
        response.body = std::to_string(++calls);
        return response;
    });
    const std::string one = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    auto raw = testing::SendRawHttpUntilClose(server_->Port(),
                                              one + one + "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    size_t responses = 0;
    for (auto pos = raw.find("HTTP/1.1 200"); pos != std::string::npos; pos = raw.find("HTTP/1.1 200", pos + 1)) {
        ++responses;
    }
    EXPECT_EQ(responses, 3u) << raw;
    EXPECT_TRUE(raw.ends_with("\r\n\r\n3")) << raw;
    EXPECT_EQ(calls, 3);
}

TEST_F(HttpServerTest, SendsExtraHeadersAfterTheRequestedDelayOrDropsTheConnection) {
    StartServer([](const app::HttpRequest& r) {
        app::HttpResponse response;
        response.headers = {{"X-Message-Id", "abc"}, {"Retry-After", "7"}};
        response.delay = std::chrono::milliseconds(r.path == "/slow" ? 300 : 0);
        response.drop_connection = r.path == "/drop";
        return response;
    });
    const auto start = std::chrono::steady_clock::now();
    const auto raw =
        testing::SendRawHttpUntilClose(server_->Port(), "GET /slow HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
    EXPECT_NE(raw.find("X-Message-Id: abc\r\n"), std::string::npos) << raw;
    EXPECT_NE(raw.find("Retry-After: 7\r\n"), std::string::npos) << raw;
    EXPECT_EQ(testing::SendRawHttpUntilClose(server_->Port(), "GET /drop HTTP/1.1\r\nHost: h\r\n\r\n"), "");
}

TEST_F(HttpServerTest, OversizedBodyGets413WithoutReachingTheHandler) {
    std::atomic<bool> called{false};
    StartServer([&called](const app::HttpRequest&) {
        called = true;
        return app::HttpResponse{};
    });
    auto response = SendRawHttp(server_->Port(),
                                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'x'));
    EXPECT_EQ(response.status, 413u);
    EXPECT_NE(response.body.find("payload_too_large"), std::string::npos);
    EXPECT_FALSE(called);
}

// A chunked body of `size` bytes in chunks of 10,000 bytes.
std::string Chunked(std::size_t size) {
    std::string body;
    for (std::size_t sent = 0; sent < size; sent += 10'000) {
        const auto n = std::min<std::size_t>(10'000, size - sent);
        char length[16];
        std::snprintf(length, sizeof length, "%zx\r\n", n);
        body += length + std::string(n, 'x') + "\r\n";
    }
    return body + "0\r\n\r\n";
}

// Reads a streamed body, answering "<bytes>/<pieces>/<largest piece>" (a BodyError propagates).
app::HttpResponse CountStreamedBody(const app::HttpRequest& r) {
    std::size_t bytes = 0;
    std::size_t pieces = 0;
    std::size_t largest = 0;
    std::string_view chunk;
    while (r.body_stream->Next(chunk)) {
        bytes += chunk.size();
        ++pieces;
        largest = std::max(largest, chunk.size());
    }
    app::HttpResponse response;
    response.content_type = "text/plain";
    response.body = std::to_string(bytes) + "/" + std::to_string(pieces) + "/" + std::to_string(largest);
    return response;
}

TEST_F(HttpServerTest, StreamsTheBodyOfChosenRoutesInPiecesBeyondTheWholeBodyLimit) {
    std::atomic<bool> whole_body_empty{false};
    StartServer([&](const app::HttpRequest& r) {
        whole_body_empty = r.body.empty() && r.body_stream != nullptr;
        return CountStreamedBody(r);
    });
    const auto raw = testing::SendRawHttpUntilClose(
        server_->Port(), "POST /stream HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunked(150'000) +
                             "GET /stream HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(whole_body_empty);
    const auto first = raw.find("\r\n\r\n150000/");
    ASSERT_NE(first, std::string::npos) << raw;
    const auto pieces = std::stoul(raw.substr(first + 11));
    EXPECT_GT(pieces, 1u) << "the body arrived in one piece";
    EXPECT_TRUE(raw.ends_with("\r\n\r\n0/0/0")) << "the next request on the connection is answered too: " << raw;
}

TEST_F(HttpServerTest, StreamedBodyOverItsLimitGets413AfterTheHandlerReadTheStart) {
    std::atomic<bool> called{false};
    StartServer([&](const app::HttpRequest& r) {
        called = true;
        return CountStreamedBody(r);
    });
    const auto response = SendRawHttp(
        server_->Port(), "POST /stream HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunked(300'000));
    EXPECT_TRUE(called);
    EXPECT_EQ(response.status, 413u);
    EXPECT_NE(response.body.find("payload_too_large"), std::string::npos) << response.body;
    const auto declared =
        SendRawHttp(server_->Port(), "POST /stream HTTP/1.1\r\nHost: h\r\nContent-Length: 300000\r\n\r\n");
    EXPECT_EQ(declared.status, 413u) << "a declared length over the limit is refused before the body is read";
}

TEST_F(HttpServerTest, AnswersExpectContinueAndClosesWhenTheHandlerLeftTheStreamUnread) {
    StartServer([](const app::HttpRequest&) { return app::JsonError(401, "unauthorized", "no"); });
    const auto raw = testing::SendRawHttpUntilClose(server_->Port(),
                                                    "POST /stream HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                                                    "Content-Length: 5000\r\n\r\n" +
                                                        std::string(100, 'x'));
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401")) << raw;
    EXPECT_NE(raw.find("Connection: close"), std::string::npos) << raw;
}

TEST_F(HttpServerTest, StreamedBodyThatStopsArrivingGets408) {
    StartServer(CountStreamedBody);
    const auto response = SendRawHttp(
        server_->Port(), "POST /stream HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n" + std::string(100, 'x'));
    EXPECT_EQ(response.status, 408u);
    EXPECT_NE(response.body.find("request_timeout"), std::string::npos) << response.body;
}

TEST_F(HttpServerTest, MalformedRequestGets400) {
    StartServer([](const app::HttpRequest&) { return app::HttpResponse{}; });
    auto response = SendRawHttp(server_->Port(), "NOT AN HTTP REQUEST\r\n\r\n");
    EXPECT_EQ(response.status, 400u);
    EXPECT_NE(response.body.find("bad_request"), std::string::npos);
}

TEST_F(HttpServerTest, HandlerExceptionBecomesJson500) {
    StartServer([](const app::HttpRequest&) -> app::HttpResponse { throw std::runtime_error("secret detail"); });
    auto response = HttpGet(server_->Port(), "/");
    EXPECT_EQ(response.status, 500u);
    EXPECT_NE(response.body.find("\"code\":\"internal\""), std::string::npos);
    EXPECT_EQ(response.body.find("secret detail"), std::string::npos);
}

TEST_F(HttpServerTest, StopReleasesThePort) {
    StartServer([](const app::HttpRequest&) { return app::HttpResponse{}; });
    auto port = server_->Port();
    server_->Stop();
    EXPECT_EQ(HttpGet(port, "/").status, 0u);
}

}  // namespace
}  // namespace bulkmsg::http
