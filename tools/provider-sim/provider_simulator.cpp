#include "provider_simulator.hpp"

#include <algorithm>

#include "domain/providers/apns_protocol.hpp"
#include "domain/providers/fcm_protocol.hpp"
#include "domain/providers/http_codec.hpp"
#include "domain/providers/jwt.hpp"
#include "domain/providers/provider_types.hpp"
#include "domain/target.hpp"
#include "provider_answers.hpp"

namespace bulkmsg::sim {

using app::HttpRequest;
using app::HttpResponse;
using nlohmann::json;

ProviderSimulator::ProviderSimulator(SimCredentials credentials, SimState& state, Now now, FeedbackSink* feedback)
    : credentials_(std::move(credentials)), state_(state), now_(std::move(now)), feedback_(feedback) {}

HttpResponse ProviderSimulator::HandleHttp(const HttpRequest& request) {
    const auto& path = request.path;
    if (path.starts_with("/_sim/")) {
        return Control(request);
    }
    if (path == "/v3/mail/send") {
        return Sendgrid(request);
    }
    if (path.starts_with("/2010-04-01/Accounts/")) {
        return Twilio(request);
    }
    if (path == "/token") {
        return FcmToken(request);
    }
    if (path.starts_with("/v1/projects/") && path.ends_with("/messages:send")) {
        return Fcm(request);
    }
    return Json(404, {{"error", "no simulated API at " + path}});
}

HttpResponse ProviderSimulator::Finish(const std::string& provider, const HttpRequest& request,
                                       std::optional<HttpResponse> error,
                                       const std::function<HttpResponse(std::uint32_t)>& fault,
                                       const std::function<HttpResponse()>& accept) {
    const auto decision = state_.Decide();
    HttpResponse response;
    if (error) {
        state_.RecordRejected(provider);
        response = std::move(*error);
    } else if (decision.action == FaultAction::kDrop) {
        state_.RecordFault(provider);
        response.drop_connection = true;
    } else if (decision.action == FaultAction::kTransient) {
        state_.RecordFault(provider);
        response = fault(0);
    } else if (decision.action == FaultAction::kRateLimited) {
        state_.RecordFault(provider);
        response = fault(std::max<std::uint32_t>(decision.retry_after_seconds, 1));
    } else {
        response = accept();
        if (response.status >= 200 && response.status < 300) {
            state_.RecordAccepted(provider, HeaderOf(request, "x-bulkmsg-idempotency-key"));
        } else {
            state_.RecordRejected(provider);
        }
    }
    response.delay = decision.latency;
    return response;
}

HttpResponse ProviderSimulator::Sendgrid(const HttpRequest& request) {
    const auto body = json::parse(request.body, nullptr, false);
    auto error = ValidateSendgrid(request, credentials_.sendgrid_api_key, body);
    if (!error) {
        mail_headers_.Record(body);
    }
    if (!error && credentials_.require_unsubscribe) {
        error = ValidateUnsubscribeHeaders(body);
    }
    return Finish(
        "sendgrid", request, std::move(error),
        [this](std::uint32_t retry_after) {
            if (retry_after == 0) {
                return SendgridError(500, "internal server error");
            }
            auto response = SendgridError(429, "too many requests");
            response.headers = {{"X-RateLimit-Limit", "600"},
                                {"X-RateLimit-Remaining", "0"},
                                {"X-RateLimit-Reset", std::to_string(domain::EpochSeconds(now_()) + retry_after)}};
            return response;
        },
        [&] {
            const auto to = body["personalizations"][0]["to"][0]["email"].get<std::string>();
            if (to.starts_with("invalid")) {
                return SendgridError(400, "Does not contain a valid address.", "personalizations.0.to.0.email");
            }
            const auto message_id = "sim" + NextId().substr(13);
            if (feedback_) {
                feedback_->MailAccepted(body, message_id);
            }
            return Empty(202, {{"X-Message-Id", message_id},
                               {"X-RateLimit-Limit", "600"},
                               {"X-RateLimit-Remaining", "599"},
                               {"X-RateLimit-Reset", std::to_string(domain::EpochSeconds(now_()) + 60)}});
        });
}

HttpResponse ProviderSimulator::Twilio(const HttpRequest& request) {
    const std::string prefix = "/2010-04-01/Accounts/";
    const auto rest = request.path.substr(prefix.size());
    const auto slash = rest.find('/');
    const auto sid = rest.substr(0, slash);
    const auto form = domain::ParseForm(request.body);
    std::optional<HttpResponse> error;
    if (slash == std::string::npos || rest.substr(slash) != "/Messages.json") {
        error = TwilioError(404, 20404, "The requested resource was not found");
    } else if (request.method != "POST") {
        error = TwilioError(405, 20004, "Method not allowed");
    } else if (!TwilioAuthorized(HeaderOf(request, "authorization"), sid)) {
        error = TwilioError(401, 20003, "Authenticate");
    } else if (!HeaderOf(request, "content-type").starts_with("application/x-www-form-urlencoded")) {
        error = TwilioError(400, 20001, "Content-Type must be application/x-www-form-urlencoded");
    } else if (FormValue(form, "To").empty()) {
        error = TwilioError(400, 21604, "A 'To' phone number is required.");
    } else if (FormValue(form, "From").empty() && FormValue(form, "MessagingServiceSid").empty()) {
        error = TwilioError(400, 21603, "A 'From' phone number is required.");
    } else if (FormValue(form, "Body").empty()) {
        error = TwilioError(400, 21602, "Message body is required.");
    } else if (!domain::IsValidE164(FormValue(form, "To"))) {
        error = TwilioError(400, 21211, "The 'To' number " + FormValue(form, "To") + " is not a valid phone number.");
    }
    return Finish(
        "twilio", request, std::move(error),
        [](std::uint32_t retry_after) {
            if (retry_after == 0) {
                return TwilioError(500, 20500, "An internal server error has occurred");
            }
            auto response = TwilioError(429, 20429, "Too Many Requests");
            response.headers = {{"Retry-After", std::to_string(retry_after)}};
            return response;
        },
        [&] {
            const auto to = FormValue(form, "To");
            if (to == "+15005550001") {
                return TwilioError(400, 21211, "The 'To' number " + to + " is not a valid phone number.");
            }
            if (to == "+15005550004") {
                return TwilioError(400, 21610, "Attempt to send to unsubscribed recipient");
            }
            if (to == "+15005550009") {
                return TwilioError(400, 21614, "'To' number is not a valid mobile number");
            }
            const auto message_sid = "SM" + NextId();
            if (feedback_) {
                feedback_->SmsAccepted(
                    {message_sid, sid, to, FormValue(form, "From"), FormValue(form, "StatusCallback")});
            }
            return Json(201, {{"sid", message_sid},
                              {"account_sid", sid},
                              {"status", "queued"},
                              {"to", to},
                              {"from", FormValue(form, "From")},
                              {"body", FormValue(form, "Body")},
                              {"num_segments", "1"},
                              {"direction", "outbound-api"},
                              {"api_version", "2010-04-01"},
                              {"error_code", nullptr},
                              {"error_message", nullptr},
                              {"uri", prefix + sid + "/Messages/" + message_sid + ".json"}});
        });
}

bool ProviderSimulator::TwilioAuthorized(const std::string& authorization, const std::string& sid) const {
    if (!credentials_.twilio_account_sid.empty() && sid != credentials_.twilio_account_sid) {
        return false;
    }
    if (!credentials_.twilio_auth_token.empty()) {
        return authorization == "Basic " + domain::Base64Encode(sid + ":" + credentials_.twilio_auth_token);
    }
    try {
        return authorization.starts_with("Basic ") &&
               domain::Base64Decode(authorization.substr(6)).starts_with(sid + ":");
    } catch (const std::invalid_argument&) {
        return false;
    }
}

HttpResponse ProviderSimulator::FcmToken(const HttpRequest& request) {
    const auto form = domain::ParseForm(request.body);
    auto invalid = [&](const std::string& error, const std::string& description) {
        state_.RecordRejected("fcm-token");
        return Json(400, {{"error", error}, {"error_description", description}});
    };
    if (request.method != "POST" || FormValue(form, "grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer") {
        return invalid("unsupported_grant_type", "Invalid grant_type.");
    }
    const auto verified =
        domain::VerifyJwt(FormValue(form, "assertion"), domain::JwtAlgorithm::kRs256, credentials_.fcm_public_key_pem);
    if (!verified) {
        return invalid("invalid_grant", "Invalid JWT Signature.");
    }
    const auto& claims = verified->claims;
    const auto now = domain::EpochSeconds(now_());
    const auto iat = claims.value("iat", std::int64_t{0});
    const auto exp = claims.value("exp", std::int64_t{0});
    if (exp - iat > 3600 || exp <= now || iat > now + 300) {
        return invalid("invalid_grant",
                       "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
    }
    const auto scope = claims.value("scope", "");
    if (scope.find("firebase.messaging") == std::string::npos && scope.find("cloud-platform") == std::string::npos) {
        return invalid("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
    }
    const auto lifetime = std::chrono::seconds(credentials_.fcm_token_lifetime_seconds);
    return Json(200, {{"access_token", state_.IssueAccessToken(now_() + lifetime)},
                      {"expires_in", credentials_.fcm_token_lifetime_seconds},
                      {"token_type", "Bearer"}});
}

HttpResponse ProviderSimulator::Fcm(const HttpRequest& request) {
    const auto project = request.path.substr(13, request.path.size() - 13 - std::string("/messages:send").size());
    const auto body = json::parse(request.body, nullptr, false);
    const auto auth = HeaderOf(request, "authorization");
    const auto& message = body.is_object() && body.contains("message") ? body["message"] : json();
    std::optional<HttpResponse> error;
    if (request.method != "POST") {
        error = FcmError(405, "INVALID_ARGUMENT", "", "Method not allowed");
    } else if (!auth.starts_with("Bearer ") || !state_.AccessTokenValid(auth.substr(7), now_())) {
        error = FcmError(401, "UNAUTHENTICATED", "",
                         "Request had invalid authentication credentials. Expected OAuth 2 access token.");
    } else if (!message.is_object()) {
        error = FcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Invalid JSON payload received.");
    } else if (message.contains("token") + message.contains("topic") + message.contains("condition") != 1) {
        error = FcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Exactly one of token, topic or condition.");
    } else if (message.contains("data") &&
               (!message["data"].is_object() || !std::all_of(message["data"].begin(), message["data"].end(),
                                                             [](const json& v) { return v.is_string(); }))) {
        error =
            FcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Invalid value at 'message.data' (string expected)");
    } else if (message.value("notification", json::object()).dump().size() +
                   message.value("data", json::object()).dump().size() >
               domain::kPushPayloadLimit) {
        error = FcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Message is too big");
    }
    return Finish(
        "fcm", request, std::move(error),
        [](std::uint32_t retry_after) {
            if (retry_after == 0) {
                return FcmError(503, "UNAVAILABLE", "UNAVAILABLE", "The service is currently unavailable.",
                                {{"Retry-After", "1"}});
            }
            return FcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Quota exceeded.",
                            {{"Retry-After", std::to_string(retry_after)}});
        },
        [&] {
            const auto token = message.value("token", "");
            if (token.starts_with("unregistered")) {
                return FcmError(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.");
            }
            if (token.starts_with("invalid")) {
                return FcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT",
                                "The registration token is not a valid FCM registration token");
            }
            return Json(200, {{"name", "projects/" + project + "/messages/0:" + NextId()}});
        });
}

HttpResponse ProviderSimulator::HandleApns(const HttpRequest& request) {
    const auto apns_id =
        HeaderOf(request, "apns-id").empty() ? domain::ApnsIdFor(NextId()) : HeaderOf(request, "apns-id");
    const std::string prefix = "/3/device/";
    const auto token = request.path.starts_with(prefix) ? request.path.substr(prefix.size()) : "";
    const auto auth = HeaderOf(request, "authorization");
    std::optional<HttpResponse> error;
    if (request.method != "POST") {
        error = ApnsError(405, "MethodNotAllowed", apns_id);
    } else if (!request.path.starts_with(prefix)) {
        error = ApnsError(404, "BadPath", apns_id);
    } else if (!IsHex(token)) {
        error = ApnsError(400, "BadDeviceToken", apns_id);
    } else if (!auth.starts_with("bearer ")) {
        error = ApnsError(403, "MissingProviderToken", apns_id);
    } else if (auto problem = CheckProviderToken(auth.substr(7)); !problem.empty()) {
        error = ApnsError(403, problem, apns_id);
    } else if (HeaderOf(request, "apns-topic").empty()) {
        error = ApnsError(400, "MissingTopic", apns_id);
    } else if (const auto type = HeaderOf(request, "apns-push-type");
               !type.empty() && type != "alert" && type != "background" && type != "voip" && type != "location" &&
               type != "complication" && type != "fileprovider" && type != "mdm" && type != "liveactivity" &&
               type != "pushtotalk") {
        error = ApnsError(400, "InvalidPushType", apns_id);
    } else if (const auto priority = HeaderOf(request, "apns-priority");
               !priority.empty() && priority != "10" && priority != "5" && priority != "1") {
        error = ApnsError(400, "BadPriority", apns_id);
    } else if (!HeaderOf(request, "apns-id").empty() && !IsLowerUuid(HeaderOf(request, "apns-id"))) {
        error = ApnsError(400, "BadMessageId", apns_id);
    } else if (request.body.size() > domain::kPushPayloadLimit) {
        error = ApnsError(413, "PayloadTooLarge", apns_id);
    } else if (const auto body = json::parse(request.body, nullptr, false);
               !body.is_object() || !body.contains("aps") || !body["aps"].is_object()) {
        error = ApnsError(400, "PayloadEmpty", apns_id);
    }
    return Finish(
        "apns", request, std::move(error),
        [&](std::uint32_t retry_after) {
            if (retry_after == 0) {
                return ApnsError(503, "ServiceUnavailable", apns_id);
            }
            auto response = ApnsError(429, "TooManyRequests", apns_id);
            response.headers.emplace_back("retry-after", std::to_string(retry_after));
            return response;
        },
        [&] {
            if (token.starts_with("dead")) {
                return ApnsError(410, "Unregistered", apns_id, domain::EpochSeconds(now_()) * 1000);
            }
            if (token.starts_with("bad")) {
                return ApnsError(400, "BadDeviceToken", apns_id);
            }
            return Empty(200, {{"apns-id", apns_id}});
        });
}

std::string ProviderSimulator::CheckProviderToken(const std::string& jwt) {
    std::int64_t iat = 0;
    {
        const std::lock_guard lock(tokens_mutex_);
        if (const auto it = verified_tokens_.find(jwt); it != verified_tokens_.end()) {
            iat = it->second;
        }
    }
    if (iat == 0) {
        const auto verified = domain::VerifyJwt(jwt, domain::JwtAlgorithm::kEs256, credentials_.apns_public_key_pem);
        if (!verified ||
            (!credentials_.apns_key_id.empty() && verified->header.value("kid", "") != credentials_.apns_key_id) ||
            (!credentials_.apns_team_id.empty() && verified->claims.value("iss", "") != credentials_.apns_team_id) ||
            !verified->claims.contains("iat") || !verified->claims["iat"].is_number_integer()) {
            return "InvalidProviderToken";
        }
        iat = verified->claims["iat"].get<std::int64_t>();
        const std::lock_guard lock(tokens_mutex_);
        verified_tokens_[jwt] = iat;
    }
    return domain::EpochSeconds(now_()) - iat > 3600 ? "ExpiredProviderToken" : "";
}

HttpResponse ProviderSimulator::Control(const HttpRequest& request) {
    if (request.path == "/_sim/stats" && request.method == "GET") {
        auto stats = state_.Stats(request.query.find("keys=1") != std::string::npos);
        stats["feedback"] = feedback_ ? feedback_->Stats() : json{{"enabled", false}};
        return Json(200, stats);
    }
    if (request.path == "/_sim/mail-headers" && request.method == "GET") {
        return Json(200, mail_headers_.Report());
    }
    if (request.path == "/_sim/faults" && request.method == "POST") {
        try {
            state_.SetFaults(json::parse(request.body));
        } catch (const std::exception& e) {
            return app::JsonError(400, "invalid_faults", e.what());
        }
        return Json(200, FaultsToJson(state_.CurrentFaults()));
    }
    if (request.path == "/_sim/reset" && request.method == "POST") {
        state_.Reset();
        mail_headers_.Reset();
        if (feedback_) {
            feedback_->Reset();
        }
        return Json(200, {{"reset", true}});
    }
    if (request.path == "/_sim/health") {
        return Json(200, {{"status", "ok"}});
    }
    return app::JsonError(404, "not_found", "unknown control endpoint " + request.path);
}

}  // namespace bulkmsg::sim
