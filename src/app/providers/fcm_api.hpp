#pragma once

#include <optional>

#include "app/http_transport.hpp"
#include "app/providers/provider_api.hpp"
#include "domain/providers/fcm_protocol.hpp"

namespace bulkmsg::app {

/// FCM HTTP v1 with a service account: exchanges an RS256 assertion for an OAuth2 access token (blocking, through
/// `fetch`), caches it and renews it `kRenewBefore` ahead of its expiry or when FCM answers 401.
class FcmApi final : public ProviderApi {
public:
    static constexpr std::chrono::minutes kRenewBefore{5};

    /// `token_url` overrides the account's token_uri when not empty (FCM_TOKEN_URL).
    FcmApi(domain::FcmSettings settings, domain::ServiceAccount account, std::string token_url, BlockingFetch fetch);

    std::string_view Name() const override { return "fcm"; }
    domain::BuiltRequest Build(const domain::OutboundMessage& message, domain::TimePoint now) override;
    domain::SendResult Classify(const domain::ProviderResponse& response, domain::TimePoint now) override;
    void InvalidateCredentials(domain::TimePoint now) override;

    /// Token exchanges made so far (for tests and metrics).
    unsigned TokenExchanges() const { return exchanges_; }

private:
    /// The cached token, renewed first if due; or why none could be had.
    std::variant<std::string, domain::SendResult> AccessToken(domain::TimePoint now);

    domain::FcmSettings settings_;
    domain::ServiceAccount account_;
    std::string token_url_;
    BlockingFetch fetch_;
    std::optional<domain::AccessToken> token_;
    unsigned exchanges_ = 0;
};

}  // namespace bulkmsg::app
