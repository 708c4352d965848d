#include "api/webhook_routes.hpp"

#include <charconv>

#include "app/metrics/metrics.hpp"
#include "domain/providers/webhook_events.hpp"
#include "domain/providers/webhook_signature.hpp"

namespace bulkmsg::api {

namespace {

using app::HttpRequest;
using app::HttpResponse;

constexpr std::chrono::milliseconds kRejectLogInterval{10'000};

std::string Header(const HttpRequest& request, const std::string& name) {
    const auto it = request.headers.find(name);
    return it == request.headers.end() ? std::string() : it->second;
}

/// The media type without parameters, lower-case.
std::string MediaType(const HttpRequest& request) {
    auto type = Header(request, "content-type");
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') {
        type.pop_back();
    }
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    return type;
}

std::optional<std::int64_t> ParseSeconds(const std::string& text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

HttpResponse Accepted(const app::FeedbackResult& result, std::size_t received) {
    return app::JsonResponse(200, {{"received", received},
                                   {"stored", result.fresh.size()},
                                   {"duplicates", result.duplicates},
                                   {"unmatched", result.unmatched}});
}

}  // namespace

WebhookRoutes::WebhookRoutes(app::FeedbackIngest& ingest, app::Clock& clock, WebhookSettings settings)
    : ingest_(ingest), clock_(clock), settings_(std::move(settings)) {}

HttpResponse WebhookRoutes::Handle(const HttpRequest& request) {
    const bool sendgrid = request.path == "/webhooks/sendgrid";
    const bool status = request.path == "/webhooks/twilio/status";
    const bool inbound = request.path == "/webhooks/twilio/inbound";
    if ((!sendgrid && !status && !inbound) || (sendgrid && !settings_.SendgridOn()) ||
        (!sendgrid && !settings_.TwilioOn())) {
        return app::JsonError(404, "not_found", "no route for " + request.method + " " + request.path);
    }
    if (request.method != "POST") {
        return app::JsonError(405, "method_not_allowed", request.path + " accepts POST only");
    }
    const auto provider = sendgrid ? "sendgrid" : "twilio";
    if (request.body.size() > settings_.body_limit_bytes) {
        return Reject(provider, 413, "too_large", "the webhook body is over WEBHOOK_BODY_LIMIT_MB", "body");
    }
    return sendgrid ? Sendgrid(request) : Twilio(request, inbound);
}

HttpResponse WebhookRoutes::Sendgrid(const HttpRequest& request) {
    if (MediaType(request) != "application/json") {
        return Reject("sendgrid", 415, "content_type", "the body must be application/json", "Content-Type");
    }
    const auto signature = Header(request, "x-twilio-email-event-webhook-signature");
    const auto timestamp = Header(request, "x-twilio-email-event-webhook-timestamp");
    const auto seconds = ParseSeconds(timestamp);
    if (signature.empty() || !seconds) {
        return Reject("sendgrid", 401, "missing_signature",
                      "X-Twilio-Email-Event-Webhook-Signature and -Timestamp are required",
                      "X-Twilio-Email-Event-Webhook-Signature");
    }
    if (!domain::VerifySendgridEventSignature(settings_.sendgrid_public_key, signature, timestamp, request.body)) {
        return Reject("sendgrid", 401, "bad_signature", "the signature does not verify",
                      "X-Twilio-Email-Event-Webhook-Signature");
    }
    const auto age = domain::EpochSeconds(clock_.Now()) - *seconds;
    if (age > settings_.max_age.count() || age < -settings_.max_age.count()) {
        return Reject("sendgrid", 401, "stale_timestamp", "the timestamp is outside WEBHOOK_MAX_AGE_SECONDS",
                      "X-Twilio-Email-Event-Webhook-Timestamp");
    }
    std::vector<domain::FeedbackEvent> events;
    try {
        events = domain::ParseSendgridEvents(request.body);
    } catch (const domain::MalformedWebhook& e) {
        return Reject("sendgrid", 400, "malformed", e.what(), e.Field());
    }
    return Accepted(ingest_.Ingest(events), events.size());
}

HttpResponse WebhookRoutes::Twilio(const HttpRequest& request, bool inbound) {
    if (MediaType(request) != "application/x-www-form-urlencoded") {
        return Reject("twilio", 415, "content_type", "the body must be application/x-www-form-urlencoded",
                      "Content-Type");
    }
    const auto signature = Header(request, "x-twilio-signature");
    if (signature.empty()) {
        return Reject("twilio", 401, "missing_signature", "X-Twilio-Signature is required", "X-Twilio-Signature");
    }
    const auto fields = domain::ParseForm(request.body);
    auto url = settings_.public_base_url + request.path;
    if (!request.query.empty()) {
        url += "?" + request.query;
    }
    if (!domain::VerifyTwilioSignature(settings_.twilio_auth_token, url, fields, signature)) {
        return Reject("twilio", 401, "bad_signature", "the signature does not verify for " + url, "X-Twilio-Signature");
    }
    std::optional<domain::FeedbackEvent> event;
    try {
        event = inbound ? domain::ParseTwilioInbound(fields, clock_.Now())
                        : domain::ParseTwilioStatus(fields, clock_.Now());
    } catch (const domain::MalformedWebhook& e) {
        return Reject("twilio", 400, "malformed", e.what(), e.Field());
    }
    std::vector<domain::FeedbackEvent> events;
    if (event) {
        events.push_back(std::move(*event));
    }
    const auto result = ingest_.Ingest(events);
    if (!inbound) {
        return Accepted(result, events.size());
    }
    HttpResponse twiml;
    twiml.content_type = "text/xml";
    twiml.body = "<Response/>";
    return twiml;
}

HttpResponse WebhookRoutes::Reject(const std::string& provider, unsigned status, const std::string& reason,
                                   const std::string& message, const std::string& field) {
    app::ProcessMetrics().webhook_rejected.With({provider, reason}).Inc();
    std::uint64_t repeated = 0;
    bool log = false;
    {
        const std::lock_guard lock(log_mutex_);
        auto& throttle = log_throttles_.try_emplace(provider + ":" + reason, kRejectLogInterval).first->second;
        log = throttle.Allow(clock_.Now(), repeated);
    }
    if (log) {
        app::Log(app::LogLevel::kWarn, "webhooks", "webhook refused",
                 {{"provider", provider}, {"reason", reason}, {"error", message}, {"repeated", repeated}});
    }
    const std::string code = status == 401   ? "unauthorized"
                             : status == 413 ? "payload_too_large"
                             : status == 415 ? "unsupported_media_type"
                                             : "bad_request";
    return app::JsonError(status, code, message, nlohmann::json::array({{{"field", field}, {"reason", reason}}}));
}

}  // namespace bulkmsg::api
