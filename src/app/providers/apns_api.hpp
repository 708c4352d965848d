#pragma once

#include <optional>

#include "app/providers/provider_api.hpp"
#include "domain/providers/apns_protocol.hpp"

namespace bulkmsg::app {

/// APNs token-based auth: one ES256 provider token shared by every request, regenerated after `kReuseFor`
/// (Apple rejects tokens older than an hour and throttles renewals more often than every 20 minutes). After
/// ExpiredProviderToken the token is renewed at once unless it is younger than `kMinRenewal`.
class ApnsApi final : public ProviderApi {
public:
    static constexpr std::chrono::minutes kReuseFor{50};
    static constexpr std::chrono::minutes kMinRenewal{20};

    ApnsApi(domain::ApnsSettings settings, std::string p8_pem, std::string key_id, std::string team_id);

    std::string_view Name() const override { return "apns"; }
    domain::BuiltRequest Build(const domain::OutboundMessage& message, domain::TimePoint now) override;
    domain::SendResult Classify(const domain::ProviderResponse& response, domain::TimePoint now) override;
    void InvalidateCredentials(domain::TimePoint now) override;

    unsigned TokensIssued() const { return issued_count_; }

private:
    domain::ApnsSettings settings_;
    std::string p8_pem_;
    std::string key_id_;
    std::string team_id_;
    std::string token_;
    std::optional<domain::TimePoint> issued_at_;
    unsigned issued_count_ = 0;
};

}  // namespace bulkmsg::app
