#include "adapters/http/http_server.hpp"

#include <poll.h>

#include <array>
#include <atomic>
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

constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr const char* kTooLarge = "request body exceeds the limit";

app::HttpRequest ToAppRequest(const bhttp::request_header<>& req) {
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
    return out;
}

app::HttpResponse CallHandler(const app::HttpHandler& handler, const app::HttpRequest& request) {
    try {
        return handler(request);
    } catch (const app::BodyError& e) {
        return app::JsonError(e.Status(), e.Code(), e.what());
    } catch (const std::exception& e) {
        app::Log(app::LogLevel::kError, "http", "handler failed", {{"path", request.path}, {"error", e.what()}});
        return app::JsonError(500, "internal", "internal error");
    }
}

/// Blocking reads from a socket that give up after the idle timeout or when the server stops, so that a
/// handler reading a streamed body never waits on a silent client forever.
class TimedSocketReader {
public:
    TimedSocketReader(tcp::socket& socket, std::chrono::milliseconds timeout, const std::atomic<bool>& stopping)
        : socket_(socket), timeout_(timeout), stopping_(stopping) {}

    template <class Buffers>
    std::size_t read_some(const Buffers& buffers, beast::error_code& ec) {
        const auto deadline = std::chrono::steady_clock::now() + timeout_;
        while (!Readable()) {
            if (stopping_ || std::chrono::steady_clock::now() >= deadline) {
                ec = beast::error::timeout;
                return 0;
            }
        }
        return socket_.read_some(buffers, ec);
    }

    template <class Buffers>
    std::size_t read_some(const Buffers& buffers) {
        beast::error_code ec;
        const auto n = read_some(buffers, ec);
        if (ec) {
            throw beast::system_error(ec);
        }
        return n;
    }

private:
    // Waits up to 100 ms, so that the caller notices the server stopping.
    bool Readable() {
        pollfd fd{socket_.native_handle(), POLLIN, 0};
        return ::poll(&fd, 1, 100) != 0;
    }

    tcp::socket& socket_;
    std::chrono::milliseconds timeout_;
    const std::atomic<bool>& stopping_;
};

/// The body of one request, read from the connection as the handler asks for it.
class StreamedBody : public app::BodyStream {
public:
    StreamedBody(bhttp::request_parser<bhttp::buffer_body>& parser, beast::flat_buffer& buffer,
                 TimedSocketReader reader)
        : parser_(parser), buffer_(buffer), reader_(reader) {}

    bool Next(std::string_view& chunk) override {
        while (!parser_.is_done()) {
            parser_.get().body().data = piece_.data();
            parser_.get().body().size = piece_.size();
            beast::error_code ec;
            bhttp::read(reader_, buffer_, parser_, ec);
            if (ec && ec != bhttp::error::need_buffer) {
                Fail(ec);
            }
            const auto filled = piece_.size() - parser_.get().body().size;
            if (filled > 0) {
                chunk = std::string_view(piece_.data(), filled);
                return true;
            }
        }
        return false;
    }

    bool Done() const { return parser_.is_done(); }

private:
    [[noreturn]] static void Fail(beast::error_code ec) {
        if (ec == bhttp::error::body_limit) {
            throw app::BodyError(413, "payload_too_large", kTooLarge);
        }
        if (ec == beast::error::timeout) {
            throw app::BodyError(408, "request_timeout", "the request body stopped arriving");
        }
        throw app::BodyError(400, "bad_request", "malformed request body: " + ec.message());
    }

    bhttp::request_parser<bhttp::buffer_body>& parser_;
    beast::flat_buffer& buffer_;
    TimedSocketReader reader_;
    std::array<char, 64 * 1024> piece_{};
};

// What every connection of one server shares.
struct ServerSettings {
    HttpServerOptions options;
    app::HttpHandler handler;
    std::function<bool(const app::HttpRequest&)> streams_body;
    std::uint64_t stream_body_limit_bytes = 0;
    std::function<std::uint64_t(const app::HttpRequest&)> body_limit_of;  // empty: options.body_limit_bytes
    std::chrono::milliseconds stream_idle_timeout{0};
    std::atomic<bool> stopping{false};
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, const ServerSettings& settings) : stream_(std::move(socket)), settings_(settings) {}

    void Start() { ReadNext(); }

private:
    void ReadNext() {
        header_.emplace();
        header_->body_limit(boost::none);  // OnHeader applies the limit of the route
        stream_.expires_after(kIdleTimeout);
        bhttp::async_read_header(stream_, buffer_, *header_,
                                 [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
    }

    void OnHeader(beast::error_code ec) {
        if (ec) {
            return OnReadError(ec);
        }
        request_ = ToAppRequest(header_->get());
        boost::system::error_code peer_error;
        const auto peer = stream_.socket().remote_endpoint(peer_error);
        request_.peer = peer_error ? std::string() : peer.address().to_string();
        keep_alive_ = header_->get().keep_alive();
        const bool streamed = settings_.streams_body && settings_.streams_body(request_);
        const auto limit = streamed                  ? settings_.stream_body_limit_bytes
                           : settings_.body_limit_of ? settings_.body_limit_of(request_)
                                                     : settings_.options.body_limit_bytes;
        if (const auto length = header_->content_length(); length && *length > limit) {
            return Reply(app::JsonError(413, "payload_too_large", kTooLarge), false);
        }
        if (beast::iequals(header_->get()[bhttp::field::expect], "100-continue")) {
            beast::error_code ignored;
            asio::write(stream_.socket(), asio::buffer(std::string_view("HTTP/1.1 100 Continue\r\n\r\n")), ignored);
        }
        if (streamed) {
            return Stream(limit);
        }
        body_.emplace(std::move(*header_));
        body_->body_limit(limit);
        bhttp::async_read(stream_, buffer_, *body_,
                          [self = shared_from_this()](beast::error_code e, size_t) { self->OnBody(e); });
    }

    void OnBody(beast::error_code ec) {
        if (ec) {
            return OnReadError(ec);
        }
        request_.body = std::move(body_->get().body());
        Dispatch(CallHandler(settings_.handler, request_), keep_alive_);
    }

    void Stream(std::uint64_t limit) {
        stream_.expires_never();
        bhttp::request_parser<bhttp::buffer_body> parser(std::move(*header_));
        parser.body_limit(limit);
        StreamedBody body(parser, buffer_,
                          TimedSocketReader(stream_.socket(), settings_.stream_idle_timeout, settings_.stopping));
        request_.body_stream = &body;
        auto response = CallHandler(settings_.handler, request_);
        request_.body_stream = nullptr;
        Dispatch(std::move(response), keep_alive_ && body.Done());
    }

    void OnReadError(beast::error_code ec) {
        if (ec == bhttp::error::body_limit) {
            return Reply(app::JsonError(413, "payload_too_large", kTooLarge), false);
        }
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
            return Close();
        }
        Reply(app::JsonError(400, "bad_request", "malformed HTTP request: " + ec.message()), false);
    }

    void Dispatch(app::HttpResponse response, bool keep_alive) {
        if (response.drop_connection) {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            return stream_.close();
        }
        if (response.delay.count() > 0) {
            return Delay(std::move(response), keep_alive);
        }
        Reply(response, keep_alive);
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
        stream_.expires_after(kIdleTimeout);
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
    std::optional<bhttp::request_parser<bhttp::empty_body>> header_;
    std::optional<bhttp::request_parser<bhttp::string_body>> body_;
    app::HttpRequest request_;
    bool keep_alive_ = false;
    const ServerSettings& settings_;
};

}  // namespace

struct HttpServer::Impl {
    ServerSettings settings;
    TcpListener listener;
};

HttpServer::HttpServer(HttpServerOptions options, app::HttpHandler handler) : impl_(std::make_unique<Impl>()) {
    impl_->settings.options = std::move(options);
    impl_->settings.handler = std::move(handler);
}

HttpServer::~HttpServer() {
    Stop();
}

void HttpServer::StreamBodies(std::function<bool(const app::HttpRequest&)> applies, std::uint64_t limit_bytes,
                              std::chrono::milliseconds idle_timeout) {
    impl_->settings.streams_body = std::move(applies);
    impl_->settings.stream_body_limit_bytes = limit_bytes;
    impl_->settings.stream_idle_timeout = idle_timeout;
}

void HttpServer::LimitBodies(std::function<std::uint64_t(const app::HttpRequest&)> limit_of) {
    impl_->settings.body_limit_of = std::move(limit_of);
}

void HttpServer::Start() {
    const auto& options = impl_->settings.options;
    impl_->listener.Start(options.address, options.port, options.threads,
                          [settings = &impl_->settings](TcpListener::Socket socket) {
                              std::make_shared<Session>(std::move(socket), *settings)->Start();
                          });
}

void HttpServer::Stop() {
    impl_->settings.stopping = true;
    impl_->listener.Stop();
}

std::uint16_t HttpServer::Port() const {
    return impl_->listener.Port();
}

}  // namespace bulkmsg::http
