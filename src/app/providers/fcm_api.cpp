#include "app/providers/fcm_api.hpp"

namespace bulkmsg::app {

FcmApi::FcmApi(domain::FcmSettings settings, domain::ServiceAccount account, std::string token_url, BlockingFetch fetch)
    : settings_(std::move(settings)),
      account_(std::move(account)),
      token_url_(token_url.empty() ? account_.token_uri : std::move(token_url)),
      fetch_(std::move(fetch)) {}

std::variant<std::string, domain::SendResult> FcmApi::AccessToken(domain::TimePoint now) {
    if (token_ && now < token_->expires_at - kRenewBefore) {
        return token_->value;
    }
    ++exchanges_;
    // The audience is the token URI the account names, even when FCM_TOKEN_URL points the request elsewhere.
    const auto request = domain::BuildTokenRequest(token_url_, domain::FcmAssertion(account_, account_.token_uri, now));
    auto answer = fetch_(request);
    if (!answer.error.empty()) {
        return domain::Retryable("fcm token endpoint: " + answer.error);
    }
    auto parsed = domain::ParseTokenResponse(answer.response, now);
    if (auto* failure = std::get_if<domain::SendResult>(&parsed)) {
        return std::move(*failure);
    }
    token_ = std::get<domain::AccessToken>(std::move(parsed));
    return token_->value;
}

domain::BuiltRequest FcmApi::Build(const domain::OutboundMessage& message, domain::TimePoint now) {
    auto token = AccessToken(now);
    if (auto* failure = std::get_if<domain::SendResult>(&token)) {
        return std::move(*failure);
    }
    return domain::BuildFcmRequest(message, settings_, std::get<std::string>(token));
}

domain::SendResult FcmApi::Classify(const domain::ProviderResponse& response, domain::TimePoint now) {
    return domain::ClassifyFcmResponse(response, now);
}

void FcmApi::InvalidateCredentials(domain::TimePoint) {
    token_.reset();
}

}  // namespace bulkmsg::app
