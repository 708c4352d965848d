#include "domain/providers/sendgrid_protocol.hpp"

#include <charconv>

#include "domain/providers/http_codec.hpp"

namespace bulkmsg::domain {

ProviderRequest BuildSendgridRequest(const OutboundMessage& message, const SendgridSettings& settings) {
    const auto& p = message.payload;
    nlohmann::json from = {{"email", p.value("from", "")}};
    if (!settings.from_name.empty()) {
        from["name"] = settings.from_name;
    }
    nlohmann::json content = nlohmann::json::array({{{"type", "text/plain"}, {"value", p.value("text", "")}}});
    if (p.contains("html") && p["html"].is_string() && !p["html"].get_ref<const std::string&>().empty()) {
        content.push_back({{"type", "text/html"}, {"value", p["html"]}});
    }
    nlohmann::json personalization = {{"to", {{{"email", p.value("to", message.user_ref)}}}}};
    if (p.contains("headers") && p["headers"].is_object()) {
        personalization["headers"] = p["headers"];
    }
    const nlohmann::json body = {
        {"personalizations", nlohmann::json::array({personalization})},
        {"from", from},
        {"subject", p.value("subject", "")},
        {"content", content},
        {"custom_args",
         {{"outbox_id", std::to_string(message.outbox_id)}, {"idempotency_key", message.idempotency_key}}},
    };
    ProviderRequest request;
    request.url = settings.base_url + "/v3/mail/send";
    request.headers = {{"Authorization", "Bearer " + settings.api_key}, {"Content-Type", "application/json"}};
    AddCorrelationHeaders(request, message);
    request.body = body.dump();
    return request;
}

namespace {

/// "sendgrid 400 subject: The subject is required..." from the {"errors":[{message, field}]} body.
std::string Reason(const ProviderResponse& response) {
    std::string reason = "sendgrid " + std::to_string(response.status);
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("errors") && body["errors"].is_array() && !body["errors"].empty()) {
        const auto& first = body["errors"][0];
        if (first.contains("field") && first["field"].is_string()) {
            reason += " " + first["field"].get<std::string>() + ":";
        }
        if (first.contains("message") && first["message"].is_string()) {
            reason += " " + first["message"].get<std::string>();
        }
    }
    return ShortReason(reason);
}

std::chrono::seconds UntilReset(const ProviderResponse& response, TimePoint now) {
    const auto reset = HeaderOf(response, "x-ratelimit-reset");
    std::int64_t epoch = 0;
    const auto [end, ec] = std::from_chars(reset.data(), reset.data() + reset.size(), epoch);
    if (ec != std::errc{} || end != reset.data() + reset.size()) {
        return RetryAfterOf(response, now);
    }
    const auto wait = std::chrono::seconds(epoch - EpochSeconds(now));
    return std::max(wait, std::chrono::seconds(0));
}

}  // namespace

SendResult ClassifySendgridResponse(const ProviderResponse& response, TimePoint now) {
    if (response.status == 202 || response.status == 200) {
        return Sent(HeaderOf(response, "x-message-id"));
    }
    const auto wait = response.status == 429 ? UntilReset(response, now) : std::chrono::seconds(0);
    return ClassifyHttpStatus(response.status, Reason(response), wait);
}

}  // namespace bulkmsg::domain
