#pragma once

#include <string>

#include "domain/outbox_row.hpp"
#include "domain/providers/provider_types.hpp"

namespace bulkmsg::domain {

struct TwilioSettings {
    std::string base_url;               // TWILIO_BASE_URL, e.g. https://api.twilio.com
    std::string account_sid;            // SMS_ACCOUNT_SID
    std::string auth_token;             // SMS_AUTH_TOKEN
    std::string messaging_service_sid;  // SMS_MESSAGING_SERVICE_SID: when set, sent instead of From
    std::string status_callback;        // SMS_STATUS_CALLBACK_URL, optional
};

/// Twilio `POST /2010-04-01/Accounts/{sid}/Messages.json`, Basic auth, form-encoded To, From (or
/// MessagingServiceSid), Body and optional StatusCallback, for one SMS payload {"to","from","body"}.
ProviderRequest BuildTwilioRequest(const OutboundMessage& message, const TwilioSettings& settings);

/// 201 + sid → sent; 429 / 20429 → rate limited; 21611 and 5xx → retryable; 21610 (unsubscribed) → permanent and
/// suppressed; 401/403 → permanent config error; other 4xx → permanent with Twilio's code and message.
SendResult ClassifyTwilioResponse(const ProviderResponse& response, TimePoint now);

}  // namespace bulkmsg::domain
