#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "domain/channel.hpp"

namespace bulkmsg::domain {

/// One outbox row on its way to a provider: the stored payload (see MessageRenderer) plus our identifiers.
struct OutboundMessage {
    std::uint64_t outbox_id = 0;
    std::uint64_t campaign_id = 0;
    std::string idempotency_key;
    Channel kind = Channel::kEmail;
    std::string user_ref;
    nlohmann::json payload = nlohmann::json::object();
    std::string traceparent;  // W3C trace context, forwarded to the provider when not empty
};

/// An HTTP request to a provider, independent of the HTTP library.
struct ProviderRequest {
    std::string method = "POST";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

/// A provider's HTTP answer. Header names are lower-case.
struct ProviderResponse {
    long status = 0;
    std::map<std::string, std::string> headers;
    std::string body;
};

/// How a send ended, from the provider's documented codes (shared/docs/providers.md §6).
enum class SendOutcome {
    kSent,         // accepted by the provider; provider_message_id is set
    kRetryable,    // transient: try again later (connection errors, timeouts, 5xx)
    kRateLimited,  // the provider asked us to slow down; retry_after says for how long when it did
    kPermanent,    // do not retry unchanged (validation, unknown recipient, bad credentials)
};

struct SendResult {
    SendOutcome outcome = SendOutcome::kRetryable;
    std::string provider_message_id;
    std::string reason;                   // short and useful; stored as outbox.last_error
    std::chrono::seconds retry_after{0};  // the provider's requested wait; 0 when it gave none
    bool suppress_recipient = false;      // unregistered/invalid token or unsubscribed number: skip it in future
    bool config_error = false;            // our credentials or account are wrong (401/403): alert, not the recipient
    bool refresh_credentials = false;     // our access token expired: get a new one and resend once
};

SendResult Sent(std::string provider_message_id);
SendResult Retryable(std::string reason, std::chrono::seconds retry_after = std::chrono::seconds(0));
SendResult RateLimited(std::string reason, std::chrono::seconds retry_after);
SendResult Permanent(std::string reason);

/// A request ready to send, or the reason it must not be sent (e.g. payload over the provider's limit).
using BuiltRequest = std::variant<ProviderRequest, SendResult>;

std::string_view ToString(SendOutcome outcome);

/// Sent on every provider request so our message can be correlated (and duplicates counted by the simulator):
/// the idempotency key, and the W3C traceparent when there is one.
inline constexpr const char* kIdempotencyHeader = "X-Bulkmsg-Idempotency-Key";
void AddCorrelationHeaders(ProviderRequest& request, const OutboundMessage& message);

/// A response header by lower-case name, or "" when absent.
std::string HeaderOf(const ProviderResponse& response, const std::string& name);

/// The mapping shared by every provider once its specific codes are handled: 429 → rate limited, 5xx and
/// unexpected statuses → retryable, 401/403 → permanent config error, other 4xx → permanent.
SendResult ClassifyHttpStatus(long status, std::string reason, std::chrono::seconds retry_after);

/// The response's Retry-After wait; 0 when absent or unparseable.
std::chrono::seconds RetryAfterOf(const ProviderResponse& response, std::chrono::system_clock::time_point now);

}  // namespace bulkmsg::domain
