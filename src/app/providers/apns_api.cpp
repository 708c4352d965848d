#include "app/providers/apns_api.hpp"

namespace bulkmsg::app {

ApnsApi::ApnsApi(domain::ApnsSettings settings, std::string p8_pem, std::string key_id, std::string team_id)
    : settings_(std::move(settings)),
      p8_pem_(std::move(p8_pem)),
      key_id_(std::move(key_id)),
      team_id_(std::move(team_id)) {}

domain::BuiltRequest ApnsApi::Build(const domain::OutboundMessage& message, domain::TimePoint now) {
    if (!issued_at_ || now - *issued_at_ >= kReuseFor) {
        token_ = domain::ApnsProviderToken(p8_pem_, key_id_, team_id_, now);
        issued_at_ = now;
        ++issued_count_;
    }
    return domain::BuildApnsRequest(message, settings_, token_, now);
}

domain::SendResult ApnsApi::Classify(const domain::ProviderResponse& response, domain::TimePoint now) {
    return domain::ClassifyApnsResponse(response, now);
}

void ApnsApi::InvalidateCredentials(domain::TimePoint now) {
    if (issued_at_ && now - *issued_at_ >= kMinRenewal) {
        issued_at_.reset();
    }
}

}  // namespace bulkmsg::app
