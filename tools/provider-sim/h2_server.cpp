#include "h2_server.hpp"

#include "adapters/http/tcp_listener.hpp"

#include <nghttp2/nghttp2.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <map>
#include <thread>

namespace bulkmsg::sim {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

struct Stream {
    app::HttpRequest request;
    std::string response_body;
    std::size_t offset = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(tcp::socket socket, ssl::context& context, const app::HttpHandler& handler,
               const std::function<void()>& on_connection)
        : stream_(std::move(socket), context), handler_(handler), on_connection_(on_connection) {}

    ~Connection() {
        if (session_ != nullptr) {
            nghttp2_session_del(session_);
        }
    }

    void Start() {
        stream_.async_handshake(ssl::stream_base::server, [self = shared_from_this()](boost::system::error_code ec) {
            const unsigned char* alpn = nullptr;
            unsigned int alpn_length = 0;
            if (!ec) {
                SSL_get0_alpn_selected(self->stream_.native_handle(), &alpn, &alpn_length);
            }
            if (ec || alpn_length != 2 || std::string_view(reinterpret_cast<const char*>(alpn), 2) != "h2") {
                return self->Close();  // APNs speaks HTTP/2 only
            }
            if (self->StartSession()) {
                self->on_connection_();
                self->Read();
            }
        });
    }

private:
    bool StartSession() {
        nghttp2_session_callbacks* callbacks = nullptr;
        nghttp2_session_callbacks_new(&callbacks);
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, OnBeginHeaders);
        nghttp2_session_callbacks_set_on_header_callback(callbacks, OnHeader);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, OnData);
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, OnFrame);
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, OnStreamClose);

        // curl 7.88 sends RST_STREAM(STREAM_CLOSED) after every finished stream. Debian's nghttp2 1.52 carries the
        // rapid-reset mitigation (CVE-2023-44487), which counts those and ends the connection with
        // GOAWAY(INTERNAL_ERROR) after 1,000 streams; the simulator lifts that limit so it does not inject errors of
        // its own. (The clients still treat such HTTP/2 errors as retryable.)
        nghttp2_option* option = nullptr;
        nghttp2_option_new(&option);
        nghttp2_option_set_stream_reset_rate_limit(option, 1ull << 40, 1ull << 40);
        const int rv = nghttp2_session_server_new2(&session_, callbacks, this, option);
        nghttp2_option_del(option);
        nghttp2_session_callbacks_del(callbacks);
        if (rv != 0) {
            return false;
        }
        const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1000}};
        nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, 1);
        Flush();
        return true;
    }

    void Read() {
        stream_.async_read_some(
            asio::buffer(input_), [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                if (ec || self->closed_) {
                    return self->Close();
                }
                const auto used =
                    nghttp2_session_mem_recv(self->session_, reinterpret_cast<const uint8_t*>(self->input_.data()), n);
                if (used < 0) {
                    return self->Close();
                }
                self->Flush();
                self->Read();
            });
    }

    /// Writes whatever nghttp2 has queued; one write in flight at a time.
    void Flush() {
        if (writing_ || closed_) {
            return;
        }
        output_.clear();
        const uint8_t* data = nullptr;
        ssize_t n = 0;
        while ((n = nghttp2_session_mem_send(session_, &data)) > 0) {
            output_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
        }
        if (output_.empty()) {
            if (nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0) {
                Close();
            }
            return;
        }
        writing_ = true;
        asio::async_write(stream_, asio::buffer(output_),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                              self->writing_ = false;
                              if (ec) {
                                  return self->Close();
                              }
                              self->Flush();
                          });
    }

    void Close() {
        if (closed_) {
            return;
        }
        closed_ = true;
        boost::system::error_code ignored;
        stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.lowest_layer().close(ignored);
    }

    void Respond(std::int32_t id) {
        auto it = streams_.find(id);
        if (it == streams_.end()) {
            return;
        }
        auto response = handler_(it->second->request);
        if (response.drop_connection) {
            return Close();
        }
        if (response.delay.count() > 0) {
            auto timer = std::make_shared<asio::steady_timer>(stream_.get_executor(), response.delay);
            response.delay = std::chrono::milliseconds(0);
            timer->async_wait([self = shared_from_this(), timer, id, response](boost::system::error_code) {
                self->Submit(id, response);
                self->Flush();
            });
            return;
        }
        Submit(id, response);
    }

    void Submit(std::int32_t id, const app::HttpResponse& response) {
        auto it = streams_.find(id);
        if (it == streams_.end() || closed_) {
            return;  // the client reset the stream meanwhile
        }
        const auto status = std::to_string(response.status);
        std::vector<std::pair<std::string, std::string>> fields = {{":status", status}};
        if (!response.body.empty()) {
            fields.emplace_back("content-type", response.content_type);
        }
        for (const auto& [name, value] : response.headers) {
            std::string lower = name;
            std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
            fields.emplace_back(lower, value);
        }
        std::vector<nghttp2_nv> nv;
        for (auto& [name, value] : fields) {
            nv.push_back({reinterpret_cast<uint8_t*>(name.data()), reinterpret_cast<uint8_t*>(value.data()),
                          name.size(), value.size(), NGHTTP2_NV_FLAG_NONE});
        }
        it->second->response_body = response.body;
        nghttp2_data_provider provider{};
        provider.source.ptr = it->second.get();
        provider.read_callback = ReadBody;
        nghttp2_submit_response(session_, id, nv.data(), nv.size(), response.body.empty() ? nullptr : &provider);
    }

    static Connection& Self(void* user) { return *static_cast<Connection*>(user); }

    static int OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* user) {
        if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
            Self(user).streams_[frame->hd.stream_id] = std::make_unique<Stream>();
        }
        return 0;
    }

    static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t name_len,
                        const uint8_t* value, size_t value_len, uint8_t, void* user) {
        auto it = Self(user).streams_.find(frame->hd.stream_id);
        if (it == Self(user).streams_.end()) {
            return 0;
        }
        const std::string key(reinterpret_cast<const char*>(name), name_len);
        std::string text(reinterpret_cast<const char*>(value), value_len);
        auto& request = it->second->request;
        if (key == ":method") {
            request.method = std::move(text);
        } else if (key == ":path") {
            const auto q = text.find('?');
            request.path = text.substr(0, q);
            request.query = q == std::string::npos ? "" : text.substr(q + 1);
        } else if (!key.starts_with(":")) {
            request.headers[key] = std::move(text);
        }
        return 0;
    }

    static int OnData(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data, size_t len, void* user) {
        auto it = Self(user).streams_.find(stream_id);
        if (it != Self(user).streams_.end()) {
            it->second->request.body.append(reinterpret_cast<const char*>(data), len);
        }
        return 0;
    }

    static int OnFrame(nghttp2_session*, const nghttp2_frame* frame, void* user) {
        const bool request_frame = frame->hd.type == NGHTTP2_DATA || frame->hd.type == NGHTTP2_HEADERS;
        if (request_frame && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
            Self(user).Respond(frame->hd.stream_id);
        }
        return 0;
    }

    static int OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t, void* user) {
        Self(user).streams_.erase(stream_id);
        return 0;
    }

    static ssize_t ReadBody(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags,
                            nghttp2_data_source* source, void*) {
        auto& s = *static_cast<Stream*>(source->ptr);
        const auto n = std::min(length, s.response_body.size() - s.offset);
        std::copy_n(s.response_body.data() + s.offset, n, buf);
        s.offset += n;
        if (s.offset == s.response_body.size()) {
            *flags |= NGHTTP2_DATA_FLAG_EOF;
        }
        return static_cast<ssize_t>(n);
    }

    ssl::stream<tcp::socket> stream_;
    const app::HttpHandler& handler_;
    const std::function<void()>& on_connection_;
    nghttp2_session* session_ = nullptr;
    std::array<char, 16384> input_{};
    std::string output_;
    bool writing_ = false;
    bool closed_ = false;
    std::map<std::int32_t, std::unique_ptr<Stream>> streams_;
};

/// Accepts only "h2" in ALPN; a client that does not offer it gets a fatal alert.
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
               void*) {
    for (unsigned int i = 0; i < inlen;) {
        const unsigned len = in[i];
        if (len == 2 && i + 2 < inlen && in[i + 1] == 'h' && in[i + 2] == '2') {
            *out = in + i + 1;
            *outlen = 2;
            return SSL_TLSEXT_ERR_OK;
        }
        i += len + 1;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

}  // namespace

struct H2Server::Impl {
    H2ServerOptions options;
    app::HttpHandler handler;
    std::function<void()> on_connection;
    ssl::context tls{ssl::context::tls_server};
    http::TcpListener listener;
};

H2Server::H2Server(H2ServerOptions options, app::HttpHandler handler, std::function<void()> on_connection)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->handler = std::move(handler);
    impl_->on_connection = std::move(on_connection);
}

H2Server::~H2Server() {
    Stop();
}

void H2Server::Start() {
    auto& tls = impl_->tls;
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    tls.use_certificate_chain_file(impl_->options.cert_file);
    tls.use_private_key_file(impl_->options.key_file, ssl::context::pem);
    SSL_CTX_set_alpn_select_cb(tls.native_handle(), SelectAlpn, nullptr);
    impl_->listener.Start(
        impl_->options.address, impl_->options.port, impl_->options.threads,
        [impl = impl_.get()](http::TcpListener::Socket socket) {
            std::make_shared<Connection>(std::move(socket), impl->tls, impl->handler, impl->on_connection)->Start();
        });
}

void H2Server::Stop() {
    impl_->listener.Stop();
}

std::uint16_t H2Server::Port() const {
    return impl_->listener.Port();
}

}  // namespace bulkmsg::sim
