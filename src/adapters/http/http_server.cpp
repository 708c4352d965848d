#include "adapters/http/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <thread>
#include <vector>

#include "adapters/http/tcp_listener.hpp"
#include "app/log.hpp"

namespace bulkmsg::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

app::HttpRequest ToAppRequest(const bhttp::request<bhttp::string_body>& req) {
    app::HttpRequest out;
    out.method = std::string(req.method_string());
    std::string target(req.target());
    auto q = target.find('?');
    out.path = target.substr(0, q);
    out.query = q == std::string::npos ? "" : target.substr(q + 1);
    for (const auto& field : req) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        out.headers[name] = std::string(field.value());
    }
    out.body = req.body();
    return out;
}

app::HttpResponse CallHandler(const app::HttpHandler& handler, const app::HttpRequest& request) {
    try {
        return handler(request);
    } catch (const std::exception& e) {
        app::Log(app::LogLevel::kError, "http", "handler failed", {{"path", request.path}, {"error", e.what()}});
        return app::JsonError(500, "internal", "internal error");
    }
}

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, const app::HttpHandler& handler, std::uint64_t body_limit)
        : stream_(std::move(socket)), handler_(handler), body_limit_(body_limit) {}

    void Start() { ReadNext(); }

private:
    void ReadNext() {
        parser_.emplace();
        parser_->body_limit(body_limit_);
        stream_.expires_after(std::chrono::seconds(60));
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
    }

    void OnRead(beast::error_code ec) {
        if (ec == bhttp::error::body_limit) {
            return Reply(app::JsonError(413, "payload_too_large", "request body exceeds the limit"), false);
        }
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
            return Close();
        }
        if (ec) {
            return Reply(app::JsonError(400, "bad_request", "malformed HTTP request: " + ec.message()), false);
        }
        auto request = parser_->release();
        auto response = CallHandler(handler_, ToAppRequest(request));
        if (response.drop_connection) {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            return stream_.close();
        }
        if (response.delay.count() > 0) {
            return Delay(std::move(response), request.keep_alive());
        }
        Reply(response, request.keep_alive());
    }

    void Delay(app::HttpResponse response, bool keep_alive) {
        auto timer = std::make_shared<asio::steady_timer>(stream_.get_executor(), response.delay);
        timer->async_wait([self = shared_from_this(), timer, response = std::move(response),
                           keep_alive](beast::error_code) { self->Reply(response, keep_alive); });
    }

    void Reply(const app::HttpResponse& response, bool keep_alive) {
        auto res = std::make_shared<bhttp::response<bhttp::string_body>>(bhttp::status(response.status), 11);
        res->set(bhttp::field::server, "bulkmsg");
        res->set(bhttp::field::content_type, response.content_type);
        for (const auto& [name, value] : response.headers) {
            res->set(name, value);
        }
        res->body() = response.body;
        res->keep_alive(keep_alive);
        res->prepare_payload();
        bhttp::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
            if (ec || !keep_alive) {
                return self->Close();
            }
            self->ReadNext();
        });
    }

    void Close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    const app::HttpHandler& handler_;
    std::uint64_t body_limit_;
};

}  // namespace

struct HttpServer::Impl {
    HttpServerOptions options;
    app::HttpHandler handler;
    TcpListener listener;
};

HttpServer::HttpServer(HttpServerOptions options, app::HttpHandler handler) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() {
    Stop();
}

void HttpServer::Start() {
    impl_->listener.Start(
        impl_->options.address, impl_->options.port, impl_->options.threads,
        [impl = impl_.get()](TcpListener::Socket socket) {
            std::make_shared<Session>(std::move(socket), impl->handler, impl->options.body_limit_bytes)->Start();
        });
}

void HttpServer::Stop() {
    impl_->listener.Stop();
}

std::uint16_t HttpServer::Port() const {
    return impl_->listener.Port();
}

}  // namespace bulkmsg::http
