#pragma once

#include <memory>
#include <optional>

#include "app/clock.hpp"
#include "app/http_transport.hpp"
#include "app/message_provider.hpp"
#include "app/providers/provider_api.hpp"

namespace bulkmsg::app {

/// A MessageProvider that sends through an HTTP API over a shared HttpTransport. Transport errors are retryable.
/// When the provider asks for fresh credentials, the API is told to renew them and the message is sent once more;
/// asked again, the message fails permanently as a configuration error. Configuration errors are logged loudly:
/// the first at once, then one line per `kConfigErrorLogInterval` with the number of messages it stands for.
class HttpProvider final : public MessageProvider {
public:
    static constexpr std::chrono::seconds kConfigErrorLogInterval{10};

    HttpProvider(std::unique_ptr<ProviderApi> api, HttpTransport& transport, Clock& clock);

    void Send(const domain::OutboundMessage& message, Done done) override;
    std::string_view Name() const override { return api_->Name(); }

private:
    void Attempt(std::shared_ptr<const domain::OutboundMessage> message, Done done, bool renewed);
    /// Records the request in bulkmsg_provider_request_duration_seconds{provider, outcome}.
    void ObserveRequest(const domain::SendResult& result, domain::Clock::duration took) const;
    void Finish(const domain::OutboundMessage& message, domain::SendResult result, const Done& done);

    std::unique_ptr<ProviderApi> api_;
    HttpTransport& transport_;
    Clock& clock_;
    std::optional<domain::TimePoint> last_config_log_;
    std::uint64_t unlogged_config_errors_ = 0;
};

}  // namespace bulkmsg::app
