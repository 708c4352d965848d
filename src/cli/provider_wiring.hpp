#pragma once

#include <chrono>
#include <memory>

#include "adapters/http_client/curl_transport.hpp"
#include "app/clock.hpp"
#include "app/providers/provider_router.hpp"
#include "domain/config.hpp"

namespace bulkmsg::cli {

/// The provider clients of one worker thread: a router over the configured providers, all sharing one libcurl
/// multi transport. Poll the transport to make progress.
struct WorkerProviders {
    std::unique_ptr<http::CurlTransport> transport;
    std::unique_ptr<app::ProviderRouter> router;
};

/// Builds the clients EMAIL_PROVIDER, SMS_PROVIDER and PUSH_PROVIDER name. Reads the FCM service account and the
/// APNs key now, so a bad file stops start-up: throws domain::ConfigError naming the variable.
WorkerProviders BuildWorkerProviders(const domain::Config& config, app::Clock& clock);

}  // namespace bulkmsg::cli
