#include "domain/providers/twilio_protocol.hpp"

#include "domain/providers/http_codec.hpp"

namespace bulkmsg::domain {

namespace {

constexpr long kTooManyRequests = 20429;
constexpr long kFromQueueFull = 21611;
constexpr long kUnsubscribed = 21610;

}  // namespace

ProviderRequest BuildTwilioRequest(const OutboundMessage& message, const TwilioSettings& settings) {
    const auto& p = message.payload;
    FormFields form = {{"To", p.value("to", message.user_ref)}};
    if (!settings.messaging_service_sid.empty()) {
        form.emplace_back("MessagingServiceSid", settings.messaging_service_sid);
    } else {
        form.emplace_back("From", p.value("from", ""));
    }
    form.emplace_back("Body", p.value("body", ""));
    if (!settings.status_callback.empty()) {
        form.emplace_back("StatusCallback", settings.status_callback);
    }
    ProviderRequest request;
    request.url = settings.base_url + "/2010-04-01/Accounts/" + settings.account_sid + "/Messages.json";
    request.headers = {{"Authorization", "Basic " + Base64Encode(settings.account_sid + ":" + settings.auth_token)},
                       {"Content-Type", "application/x-www-form-urlencoded"}};
    AddCorrelationHeaders(request, message);
    request.body = FormEncode(form);
    return request;
}

SendResult ClassifyTwilioResponse(const ProviderResponse& response, TimePoint now) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (response.status == 201 || response.status == 200) {
        if (body.is_object() && body.contains("sid") && body["sid"].is_string()) {
            return Sent(body["sid"].get<std::string>());
        }
        return Retryable("twilio " + std::to_string(response.status) + " without a message sid");
    }
    const long code =
        body.is_object() && body.contains("code") && body["code"].is_number_integer() ? body["code"].get<long>() : 0;
    std::string reason = "twilio " + std::to_string(response.status);
    if (code != 0) {
        reason += " " + std::to_string(code);
    }
    if (body.is_object() && body.contains("message") && body["message"].is_string()) {
        reason += ": " + body["message"].get<std::string>();
    }
    reason = ShortReason(reason);
    const auto wait = RetryAfterOf(response, now);
    if (code == kTooManyRequests) {
        return RateLimited(reason, wait);
    }
    if (code == kFromQueueFull) {
        return Retryable(reason, wait);
    }
    auto result = ClassifyHttpStatus(response.status, reason, wait);
    result.suppress_recipient = code == kUnsubscribed;
    return result;
}

}  // namespace bulkmsg::domain
