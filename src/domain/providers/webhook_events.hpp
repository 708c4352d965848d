#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/feedback_event.hpp"
#include "domain/providers/http_codec.hpp"

namespace bulkmsg::domain {

/// A webhook body that is not what the provider sends; `field` names the offending part (e.g. "[3].sg_event_id").
class MalformedWebhook : public std::invalid_argument {
public:
    MalformedWebhook(std::string field, const std::string& problem)
        : std::invalid_argument(field + ": " + problem), field_(std::move(field)) {}
    const std::string& Field() const { return field_; }

private:
    std::string field_;
};

/// SendGrid's Event Webhook body: a JSON array of event objects, each with `event`, `sg_event_id` and an integer
/// `timestamp`. Events of a type bulkmsg does not know (e.g. SendGrid's test event) are left out; `outbox_id` and
/// `idempotency_key` come from the custom_args bulkmsg sends. Throws MalformedWebhook.
std::vector<FeedbackEvent> ParseSendgridEvents(std::string_view body);

/// A Twilio status callback (MessageSid, MessageStatus, optional ErrorCode, To). Statuses that report nothing
/// new (queued, sending, accepted, scheduled...) give nullopt. Throws MalformedWebhook without MessageSid or
/// MessageStatus.
std::optional<FeedbackEvent> ParseTwilioStatus(const FormFields& fields, TimePoint received_at);

/// Twilio's opt-out and opt-in keywords, matched case-insensitively against the whole trimmed body.
enum class SmsKeyword { kNone, kStop, kStart };
SmsKeyword SmsKeywordOf(std::string_view body);

/// An inbound SMS (MessageSid, From, Body): a `stop` or `start` event for the sender's number, or nullopt when the
/// body is no keyword. Throws MalformedWebhook without MessageSid or From.
std::optional<FeedbackEvent> ParseTwilioInbound(const FormFields& fields, TimePoint received_at);

}  // namespace bulkmsg::domain
