#pragma once

#include <string>

#include "domain/outbox_row.hpp"
#include "domain/providers/provider_types.hpp"

namespace bulkmsg::domain {

struct SendgridSettings {
    std::string base_url;   // SENDGRID_BASE_URL, e.g. https://api.sendgrid.com
    std::string api_key;    // EMAIL_API_KEY
    std::string from_name;  // EMAIL_FROM_NAME; the address comes from the rendered payload
};

/// SendGrid v3 `POST /v3/mail/send` for one email payload {"to","from","subject","text","html"?,"headers"?}; the
/// payload's "headers" (the unsubscribe headers, see MessageRenderer) go into the personalization's. custom_args
/// carry our outbox id and idempotency key (as strings), so webhook events can be matched to the row.
ProviderRequest BuildSendgridRequest(const OutboundMessage& message, const SendgridSettings& settings);

/// 202 (200 in sandbox mode) + X-Message-Id → sent; 429 → rate limited until X-RateLimit-Reset; 5xx → retryable;
/// 401/403 → permanent config error; other 4xx → permanent with SendGrid's first error message.
SendResult ClassifySendgridResponse(const ProviderResponse& response, TimePoint now);

}  // namespace bulkmsg::domain
