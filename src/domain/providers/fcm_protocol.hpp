#pragma once

#include <string>
#include <variant>

#include "domain/outbox_row.hpp"
#include "domain/providers/provider_types.hpp"

namespace bulkmsg::domain {

/// The fields of a Google service-account JSON key that FCM needs.
struct ServiceAccount {
    std::string project_id;
    std::string client_email;
    std::string private_key;  // PKCS#8 PEM (RSA)
    std::string private_key_id;
    std::string token_uri;
};

/// Throws std::invalid_argument naming the missing or mistyped field.
ServiceAccount ParseServiceAccount(const std::string& json_text);

inline constexpr const char* kFcmScope = "https://www.googleapis.com/auth/firebase.messaging";
inline constexpr std::size_t kPushPayloadLimit = 4096;  // FCM and APNs both reject larger payloads

/// The RS256 assertion exchanged for an access token: iss, scope, aud = `audience`, iat = now, exp = now + 1 h.
std::string FcmAssertion(const ServiceAccount& account, const std::string& audience, TimePoint now);
/// `POST token_url` with grant_type=jwt-bearer and the assertion.
ProviderRequest BuildTokenRequest(const std::string& token_url, const std::string& assertion);

struct AccessToken {
    std::string value;
    TimePoint expires_at;
};
/// The token from a 200 {"access_token","expires_in"}; otherwise the reason (permanent config error for
/// invalid_grant and other 4xx, retryable for 5xx).
std::variant<AccessToken, SendResult> ParseTokenResponse(const ProviderResponse& response, TimePoint now);

struct FcmSettings {
    std::string base_url;  // FCM_BASE_URL, e.g. https://fcm.googleapis.com
    std::string project_id;
};

/// `POST /v1/projects/{project}/messages:send` for a push payload {"token","title","body","data"}; data values
/// are sent as strings. A payload over 4096 bytes is refused before sending (permanent).
BuiltRequest BuildFcmRequest(const OutboundMessage& message, const FcmSettings& settings,
                             const std::string& access_token);

/// 200 {"name"} → sent. Reads the FcmError errorCode first, then error.status, then the HTTP status:
/// UNREGISTERED, SENDER_ID_MISMATCH and an invalid token → permanent and suppressed; QUOTA_EXCEEDED → rate
/// limited; UNAVAILABLE/INTERNAL → retryable; THIRD_PARTY_AUTH_ERROR → config error; a plain 401 → refresh the
/// access token and resend.
SendResult ClassifyFcmResponse(const ProviderResponse& response, TimePoint now);

}  // namespace bulkmsg::domain
