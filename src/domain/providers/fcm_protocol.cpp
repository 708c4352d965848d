#include "domain/providers/fcm_protocol.hpp"

#include <stdexcept>

#include "domain/providers/http_codec.hpp"
#include "domain/providers/jwt.hpp"

namespace bulkmsg::domain {

namespace {

std::string RequiredString(const nlohmann::json& object, const char* field) {
    if (!object.contains(field) || !object[field].is_string() || object[field].get_ref<const std::string&>().empty()) {
        throw std::invalid_argument(std::string("service account: '") + field + "' is missing or not a string");
    }
    return object[field].get<std::string>();
}

}  // namespace

ServiceAccount ParseServiceAccount(const std::string& json_text) {
    const auto json = nlohmann::json::parse(json_text, nullptr, false);
    if (!json.is_object()) {
        throw std::invalid_argument("service account: not a JSON object");
    }
    return {RequiredString(json, "project_id"), RequiredString(json, "client_email"),
            RequiredString(json, "private_key"), json.value("private_key_id", ""), RequiredString(json, "token_uri")};
}

std::string FcmAssertion(const ServiceAccount& account, const std::string& audience, TimePoint now) {
    const auto iat = EpochSeconds(now);
    const nlohmann::json claims = {
        {"iss", account.client_email}, {"scope", kFcmScope}, {"aud", audience}, {"iat", iat}, {"exp", iat + 3600}};
    std::map<std::string, std::string> headers;
    if (!account.private_key_id.empty()) {
        headers["kid"] = account.private_key_id;
    }
    return SignJwt(JwtAlgorithm::kRs256, account.private_key, headers, claims);
}

ProviderRequest BuildTokenRequest(const std::string& token_url, const std::string& assertion) {
    ProviderRequest request;
    request.url = token_url;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body =
        FormEncode({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"}, {"assertion", assertion}});
    return request;
}

std::variant<AccessToken, SendResult> ParseTokenResponse(const ProviderResponse& response, TimePoint now) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (response.status == 200 && body.is_object() && body.contains("access_token") &&
        body["access_token"].is_string() && body.contains("expires_in") && body["expires_in"].is_number_integer()) {
        return AccessToken{body["access_token"].get<std::string>(),
                           now + std::chrono::seconds(body["expires_in"].get<std::int64_t>())};
    }
    std::string reason = "fcm token endpoint " + std::to_string(response.status);
    if (body.is_object() && body.contains("error") && body["error"].is_string()) {
        reason += ": " + body["error"].get<std::string>();
        if (body.contains("error_description") && body["error_description"].is_string()) {
            reason += " " + body["error_description"].get<std::string>();
        }
    }
    if (response.status == 200) {
        return Retryable(reason + ": no access_token/expires_in in the answer");
    }
    auto result = ClassifyHttpStatus(response.status, ShortReason(reason), RetryAfterOf(response, now));
    result.config_error = result.outcome == SendOutcome::kPermanent;
    return result;
}

BuiltRequest BuildFcmRequest(const OutboundMessage& message, const FcmSettings& settings,
                             const std::string& access_token) {
    const auto& p = message.payload;
    nlohmann::json data = nlohmann::json::object();
    if (p.contains("data") && p["data"].is_object()) {
        for (const auto& [key, value] : p["data"].items()) {
            data[key] = value.is_string() ? value.get<std::string>() : value.dump();
        }
    }
    const nlohmann::json notification = {{"title", p.value("title", "")}, {"body", p.value("body", "")}};
    const auto size = notification.dump().size() + data.dump().size();
    if (size > kPushPayloadLimit) {
        return Permanent("fcm payload too large: " + std::to_string(size) + " bytes > 4096");
    }
    nlohmann::json fcm_message = {{"token", p.value("token", message.user_ref)}, {"notification", notification}};
    if (!data.empty()) {
        fcm_message["data"] = data;
    }
    ProviderRequest request;
    request.url = settings.base_url + "/v1/projects/" + settings.project_id + "/messages:send";
    request.headers = {{"Authorization", "Bearer " + access_token}, {"Content-Type", "application/json"}};
    AddCorrelationHeaders(request, message);
    request.body = nlohmann::json{{"message", fcm_message}}.dump();
    return request;
}

namespace {

/// error.details[] FcmError errorCode, or "".
std::string FcmErrorCode(const nlohmann::json& error) {
    if (!error.contains("details") || !error["details"].is_array()) {
        return "";
    }
    for (const auto& detail : error["details"]) {
        if (detail.is_object() && detail.value("@type", "").ends_with("google.firebase.fcm.v1.FcmError") &&
            detail.contains("errorCode") && detail["errorCode"].is_string()) {
            return detail["errorCode"].get<std::string>();
        }
    }
    return "";
}

}  // namespace

SendResult ClassifyFcmResponse(const ProviderResponse& response, TimePoint now) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (response.status == 200) {
        if (body.is_object() && body.contains("name") && body["name"].is_string()) {
            return Sent(body["name"].get<std::string>());
        }
        return Retryable("fcm 200 without a message name");
    }
    const auto error =
        body.is_object() && body.contains("error") && body["error"].is_object() ? body["error"] : nlohmann::json{};
    const auto code = FcmErrorCode(error);
    const auto status = error.is_object() ? error.value("status", "") : "";
    const auto message = error.is_object() ? error.value("message", "") : "";
    const auto reason = ShortReason("fcm " + std::to_string(response.status) + " " + (code.empty() ? status : code) +
                                    (message.empty() ? "" : ": " + message));
    const auto wait = RetryAfterOf(response, now);
    if (code == "UNREGISTERED" || code == "SENDER_ID_MISMATCH" ||
        (code == "INVALID_ARGUMENT" && message.find("registration token") != std::string::npos)) {
        auto result = Permanent(reason);
        result.suppress_recipient = true;
        return result;
    }
    if (code == "QUOTA_EXCEEDED" || status == "RESOURCE_EXHAUSTED") {
        return RateLimited(reason, wait);
    }
    if (code == "UNAVAILABLE" || code == "INTERNAL") {
        return Retryable(reason, wait);
    }
    if (code == "THIRD_PARTY_AUTH_ERROR" || code == "APNS_AUTH_ERROR") {
        auto result = Permanent(reason);
        result.config_error = true;
        return result;
    }
    if (response.status == 401) {
        auto result = Retryable(reason);
        result.refresh_credentials = true;
        return result;
    }
    return ClassifyHttpStatus(response.status, reason, wait);
}

}  // namespace bulkmsg::domain
