#include "app/providers/http_provider.hpp"

#include "app/log.hpp"
#include "app/metrics/metrics.hpp"

namespace bulkmsg::app {

HttpProvider::HttpProvider(std::unique_ptr<ProviderApi> api, HttpTransport& transport, Clock& clock)
    : api_(std::move(api)), transport_(transport), clock_(clock) {}

void HttpProvider::Send(const domain::OutboundMessage& message, Done done) {
    Attempt(std::make_shared<const domain::OutboundMessage>(message), std::move(done), false);
}

void HttpProvider::Attempt(std::shared_ptr<const domain::OutboundMessage> message, Done done, bool renewed) {
    auto built = api_->Build(*message, clock_.Now());
    if (auto* refused = std::get_if<domain::SendResult>(&built)) {
        return Finish(*message, std::move(*refused), done);
    }
    const auto started = clock_.Now();
    transport_.Submit(std::get<domain::ProviderRequest>(std::move(built)),
                      [this, message, done = std::move(done), renewed, started](TransportResult answer) mutable {
                          const auto now = clock_.Now();
                          auto result = answer.error.empty()
                                            ? api_->Classify(answer.response, now)
                                            : domain::Retryable(std::string(api_->Name()) + ": " + answer.error);
                          ObserveRequest(result, now - started);
                          if (result.refresh_credentials && !renewed) {
                              api_->InvalidateCredentials(now);
                              return Attempt(std::move(message), std::move(done), true);
                          }
                          if (result.refresh_credentials) {
                              result = domain::Permanent(result.reason + " (again with renewed credentials)");
                              result.config_error = true;
                          }
                          Finish(*message, std::move(result), done);
                      });
}

void HttpProvider::ObserveRequest(const domain::SendResult& result, domain::Clock::duration took) const {
    const std::string outcome(result.config_error ? "config_error" : domain::ToString(result.outcome));
    ProcessMetrics()
        .provider_request_seconds.With({std::string(api_->Name()), outcome})
        .Observe(std::chrono::duration<double>(took).count());
}

void HttpProvider::Finish(const domain::OutboundMessage& message, domain::SendResult result, const Done& done) {
    if (result.config_error) {
        ++unlogged_config_errors_;
        const auto now = clock_.Now();
        if (!last_config_log_ || now - *last_config_log_ >= kConfigErrorLogInterval) {
            Log(LogLevel::kError, "provider", "provider rejected our credentials or account configuration",
                {{"provider", std::string(api_->Name())},
                 {"outbox_id", message.outbox_id},
                 {"campaign_id", message.campaign_id},
                 {"reason", result.reason},
                 {"messages_since_last_report", unlogged_config_errors_}});
            last_config_log_ = now;
            unlogged_config_errors_ = 0;
        }
    }
    done(std::move(result));
}

}  // namespace bulkmsg::app
