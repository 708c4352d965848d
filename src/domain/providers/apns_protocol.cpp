#include "domain/providers/apns_protocol.hpp"

#include "domain/providers/fcm_protocol.hpp"
#include "domain/providers/http_codec.hpp"
#include "domain/providers/jwt.hpp"
#include "domain/sha256.hpp"

namespace bulkmsg::domain {

std::string ApnsProviderToken(const std::string& p8_pem, const std::string& key_id, const std::string& team_id,
                              TimePoint now) {
    return SignJwt(JwtAlgorithm::kEs256, p8_pem, {{"kid", key_id}}, {{"iss", team_id}, {"iat", EpochSeconds(now)}});
}

std::string ApnsIdFor(const std::string& idempotency_key) {
    auto hex = Sha256Hex(idempotency_key).substr(0, 32);
    hex[12] = '4';  // version 4 shape, so strict UUID parsers accept it
    hex[16] = "89ab"[hex[16] % 4];
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
           hex.substr(20, 12);
}

BuiltRequest BuildApnsRequest(const OutboundMessage& message, const ApnsSettings& settings,
                              const std::string& provider_token, TimePoint now) {
    const auto& p = message.payload;
    nlohmann::json body = {{"aps", {{"alert", {{"title", p.value("title", "")}, {"body", p.value("body", "")}}}}}};
    if (p.contains("data") && p["data"].is_object()) {
        for (const auto& [key, value] : p["data"].items()) {
            if (key != "aps") {
                body[key] = value;
            }
        }
    }
    auto text = body.dump();
    if (text.size() > kPushPayloadLimit) {
        return Permanent("apns payload too large: " + std::to_string(text.size()) + " bytes > 4096");
    }
    const auto expiration = settings.expiration_seconds == 0 ? 0 : EpochSeconds(now) + settings.expiration_seconds;
    ProviderRequest request;
    request.url = settings.base_url + "/3/device/" + p.value("token", message.user_ref);
    request.headers = {{"authorization", "bearer " + provider_token},
                       {"apns-push-type", "alert"},
                       {"apns-priority", "10"},
                       {"apns-expiration", std::to_string(expiration)},
                       {"apns-topic", settings.topic},
                       {"apns-id", ApnsIdFor(message.idempotency_key)},
                       {"content-type", "application/json"}};
    AddCorrelationHeaders(request, message);
    request.body = std::move(text);
    return request;
}

SendResult ClassifyApnsResponse(const ProviderResponse& response, TimePoint now) {
    if (response.status == 200) {
        return Sent(HeaderOf(response, "apns-id"));
    }
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    const std::string reason_code = body.is_object() ? body.value("reason", "") : "";
    const auto reason = ShortReason("apns " + std::to_string(response.status) + " " + reason_code);
    if (response.status == 410 || reason_code == "BadDeviceToken") {
        auto result = Permanent(reason);
        result.suppress_recipient = true;
        return result;
    }
    if (reason_code == "ExpiredProviderToken") {
        auto result = Retryable(reason);
        result.refresh_credentials = true;
        return result;
    }
    if (reason_code == "IdleTimeout") {
        return Retryable(reason);
    }
    return ClassifyHttpStatus(response.status, reason, RetryAfterOf(response, now));
}

}  // namespace bulkmsg::domain
