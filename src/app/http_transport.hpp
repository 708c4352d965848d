#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "domain/providers/provider_types.hpp"

namespace bulkmsg::app {

/// The answer to one request: the provider's response, or a transport error (connect, TLS, timeout, HTTP/2
/// stream reset) when `error` is not empty.
struct TransportResult {
    domain::ProviderResponse response;
    std::string error;
};

/// Many HTTP requests in flight at once (port; libcurl multi in production). Not thread-safe: one per worker
/// thread. Completion callbacks run inside Poll on the caller's thread.
class HttpTransport {
public:
    using Done = std::function<void(TransportResult)>;
    virtual ~HttpTransport() = default;
    virtual void Submit(domain::ProviderRequest request, Done done) = 0;
    /// Progresses transfers, waiting up to `max_wait` for activity; runs the callbacks of finished ones.
    virtual void Poll(std::chrono::milliseconds max_wait) = 0;
    virtual std::size_t InFlight() const = 0;
};

/// One blocking request, for rare calls such as an OAuth2 token exchange.
using BlockingFetch = std::function<TransportResult(const domain::ProviderRequest&)>;

}  // namespace bulkmsg::app
