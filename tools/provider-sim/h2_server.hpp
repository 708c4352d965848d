#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "app/http_types.hpp"

namespace bulkmsg::sim {

struct H2ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0 picks a free port
    std::string cert_file;   // PEM certificate chain
    std::string key_file;    // PEM private key
    unsigned threads = 1;    // I/O threads; one connection's handlers never run concurrently
};

/// An HTTP/2 server over TLS, as APNs serves: ALPN must select "h2" (clients offering only HTTP/1.1 fail the
/// handshake), many concurrent streams per connection, each request passed whole to `handler` (header names
/// lower-case). Response delays do not block other streams. `on_connection` runs (on an I/O thread) for every
/// negotiated h2 connection.
class H2Server {
public:
    H2Server(H2ServerOptions options, app::HttpHandler handler, std::function<void()> on_connection);
    ~H2Server();
    H2Server(const H2Server&) = delete;
    H2Server& operator=(const H2Server&) = delete;

    /// Loads the certificate, binds and starts the I/O thread. Throws on a bad certificate or port.
    void Start();
    void Stop();
    std::uint16_t Port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bulkmsg::sim
