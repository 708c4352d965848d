#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "app/http_transport.hpp"

namespace bulkmsg::http {

struct CurlTransportOptions {
    std::chrono::milliseconds timeout{10'000};  // whole request, connect included (PROVIDER_TIMEOUT_MS)
    std::string ca_file;                        // extra trust anchor for https (PROVIDER_CA_FILE); empty = system CAs
};

/// HttpTransport on a libcurl multi handle: many transfers in flight, keep-alive connections reused across
/// transfers, TLS verification always on. https URLs offer HTTP/2 in ALPN and multiplex their streams on one
/// connection when the server accepts (APNs requires it); http URLs use HTTP/1.1 (curl 7.88 breaks reused h2c
/// connections, curl#10634). Not thread-safe: one per worker thread.
class CurlTransport final : public app::HttpTransport {
public:
    explicit CurlTransport(CurlTransportOptions options);
    ~CurlTransport() override;
    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;

    void Submit(domain::ProviderRequest request, Done done) override;
    void Poll(std::chrono::milliseconds max_wait) override;
    std::size_t InFlight() const override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One blocking request with the same options (used for OAuth2 token exchanges).
app::TransportResult FetchOnce(const domain::ProviderRequest& request, const CurlTransportOptions& options);

}  // namespace bulkmsg::http
