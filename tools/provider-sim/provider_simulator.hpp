#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "app/http_types.hpp"
#include "feedback_sink.hpp"
#include "mail_header_log.hpp"
#include "sim_state.hpp"

namespace bulkmsg::sim {

/// Credentials the simulator checks requests against. An empty value accepts any well-formed credential.
struct SimCredentials {
    std::string sendgrid_api_key;
    std::string twilio_account_sid;
    std::string twilio_auth_token;
    std::string fcm_public_key_pem;  // verifies the RS256 assertions sent to the token endpoint
    std::uint32_t fcm_token_lifetime_seconds = 3600;
    std::string apns_public_key_pem;  // verifies the ES256 provider tokens
    std::string apns_key_id;
    std::string apns_team_id;
    bool require_unsubscribe = false;  // --require-unsubscribe: SendGrid mail without RFC 8058 headers gets 400
};

/// Answers SendGrid, Twilio, FCM (with its OAuth2 token endpoint) and APNs requests the way the real services do
/// (shared/docs/providers.md): validates auth, required fields and sizes, injects the configured faults, and
/// records each accepted message's idempotency key. Recipients that always fail permanently:
///   email  local part starting "invalid"  → 400 (field personalizations.0.to.0.email)
///   sms    Twilio's magic numbers +15005550001 (21211), +15005550004 (21610), +15005550009 (21614)
///   fcm    tokens starting "unregistered" → 404 UNREGISTERED, "invalid" → 400 INVALID_ARGUMENT
///   apns   tokens starting "dead" → 410 Unregistered, "bad" → 400 BadDeviceToken
/// The unsubscribe headers of every well-formed mail are kept for GET /_sim/mail-headers (MailHeaderLog).
/// Each accepted email and SMS is reported to `feedback` when set (the simulator's webhooks back to bulkmsg).
/// Thread-safe.
class ProviderSimulator {
public:
    using Now = std::function<std::chrono::system_clock::time_point()>;

    ProviderSimulator(SimCredentials credentials, SimState& state, Now now, FeedbackSink* feedback = nullptr);

    /// The HTTP/1.1 port: /v3/mail/send, /2010-04-01/Accounts/{sid}/Messages.json, /token,
    /// /v1/projects/{p}/messages:send and the control endpoints under /_sim/.
    app::HttpResponse HandleHttp(const app::HttpRequest& request);
    /// The HTTP/2 port: /3/device/{token}.
    app::HttpResponse HandleApns(const app::HttpRequest& request);

private:
    app::HttpResponse Sendgrid(const app::HttpRequest& request);
    app::HttpResponse Twilio(const app::HttpRequest& request);
    app::HttpResponse FcmToken(const app::HttpRequest& request);
    app::HttpResponse Fcm(const app::HttpRequest& request);
    app::HttpResponse Control(const app::HttpRequest& request);
    /// Records and answers: `error` when validation failed, else the fault drawn, else `accept()`.
    app::HttpResponse Finish(const std::string& provider, const app::HttpRequest& request,
                             std::optional<app::HttpResponse> error,
                             const std::function<app::HttpResponse(std::uint32_t)>& fault,
                             const std::function<app::HttpResponse()>& accept);

    bool TwilioAuthorized(const std::string& authorization, const std::string& sid) const;
    /// "" when `jwt` is a valid ES256 provider token under one hour old, else the APNs reason.
    std::string CheckProviderToken(const std::string& jwt);

    SimCredentials credentials_;
    SimState& state_;
    Now now_;
    FeedbackSink* feedback_;
    MailHeaderLog mail_headers_;
    std::mutex tokens_mutex_;
    std::unordered_map<std::string, std::int64_t> verified_tokens_;  // provider token → iat; verified once each
};

}  // namespace bulkmsg::sim
