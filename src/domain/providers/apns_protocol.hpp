#pragma once

#include <cstdint>
#include <string>

#include "domain/outbox_row.hpp"
#include "domain/providers/provider_types.hpp"

namespace bulkmsg::domain {

struct ApnsSettings {
    std::string base_url;                  // APNS_BASE_URL, or the production/sandbox host by APNS_ENVIRONMENT
    std::string topic;                     // APNS_TOPIC (the app's bundle id)
    std::uint32_t expiration_seconds = 0;  // apns-expiration = now + this; 0 = deliver once, do not store
};

/// The ES256 provider token {"alg":"ES256","kid"} {"iss": team, "iat": now}, signed with the .p8 key.
std::string ApnsProviderToken(const std::string& p8_pem, const std::string& key_id, const std::string& team_id,
                              TimePoint now);

/// A canonical lower-case UUID derived from our idempotency key (its SHA-256), so a resend carries the same apns-id.
std::string ApnsIdFor(const std::string& idempotency_key);

/// `POST /3/device/{token}` with apns-push-type alert, apns-priority 10, apns-expiration, apns-topic, apns-id and
/// {"aps":{"alert":{"title","body"}}, data keys...}. A payload over 4096 bytes is refused before sending.
BuiltRequest BuildApnsRequest(const OutboundMessage& message, const ApnsSettings& settings,
                              const std::string& provider_token, TimePoint now);

/// 200 + apns-id → sent; 410 Unregistered/ExpiredToken and 400 BadDeviceToken → permanent and suppressed;
/// 403 ExpiredProviderToken → new token and resend; other 403 → config error; 400 IdleTimeout, 500, 503 →
/// retryable; 429 → rate limited; other 4xx (413 PayloadTooLarge, BadTopic, …) → permanent.
SendResult ClassifyApnsResponse(const ProviderResponse& response, TimePoint now);

}  // namespace bulkmsg::domain
