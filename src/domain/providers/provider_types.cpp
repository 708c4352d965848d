#include "domain/providers/provider_types.hpp"

#include "domain/providers/http_codec.hpp"

namespace bulkmsg::domain {

SendResult Sent(std::string provider_message_id) {
    SendResult r;
    r.outcome = SendOutcome::kSent;
    r.provider_message_id = std::move(provider_message_id);
    return r;
}

SendResult Retryable(std::string reason, std::chrono::seconds retry_after) {
    SendResult r;
    r.outcome = SendOutcome::kRetryable;
    r.reason = std::move(reason);
    r.retry_after = retry_after;
    return r;
}

SendResult RateLimited(std::string reason, std::chrono::seconds retry_after) {
    SendResult r = Retryable(std::move(reason), retry_after);
    r.outcome = SendOutcome::kRateLimited;
    return r;
}

SendResult Permanent(std::string reason) {
    SendResult r;
    r.outcome = SendOutcome::kPermanent;
    r.reason = std::move(reason);
    return r;
}

std::string_view ToString(SendOutcome outcome) {
    switch (outcome) {
        case SendOutcome::kSent: return "sent";
        case SendOutcome::kRetryable: return "retryable";
        case SendOutcome::kRateLimited: return "rate_limited";
        case SendOutcome::kPermanent: return "permanent";
    }
    return "unknown";
}

void AddCorrelationHeaders(ProviderRequest& request, const OutboundMessage& message) {
    request.headers.emplace_back(kIdempotencyHeader, message.idempotency_key);
    if (!message.traceparent.empty()) {
        request.headers.emplace_back("traceparent", message.traceparent);
    }
}

std::string HeaderOf(const ProviderResponse& response, const std::string& name) {
    const auto it = response.headers.find(name);
    return it == response.headers.end() ? "" : it->second;
}

SendResult ClassifyHttpStatus(long status, std::string reason, std::chrono::seconds retry_after) {
    if (status == 429) {
        return RateLimited(std::move(reason), retry_after);
    }
    if (status == 401 || status == 403) {
        auto result = Permanent(std::move(reason));
        result.config_error = true;
        return result;
    }
    if (status >= 400 && status < 500) {
        return Permanent(std::move(reason));
    }
    return Retryable(std::move(reason), retry_after);
}

std::chrono::seconds RetryAfterOf(const ProviderResponse& response, std::chrono::system_clock::time_point now) {
    return ParseRetryAfter(HeaderOf(response, "retry-after"), now).value_or(std::chrono::seconds(0));
}

}  // namespace bulkmsg::domain
