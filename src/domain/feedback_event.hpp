#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/channel.hpp"
#include "domain/delivery_status.hpp"
#include "domain/outbox_row.hpp"

namespace bulkmsg::domain {

/// Raw provider JSON/form text kept per event (message_events.raw) is cut at this many bytes.
inline constexpr std::size_t kRawEventLimit = 4096;

/// One provider event, parsed from a webhook. It names its message either by bulkmsg's outbox id and idempotency
/// key (SendGrid custom_args) or by the provider's message id (Twilio MessageSid); an inbound keyword names only
/// the sender's `address`.
struct FeedbackEvent {
    std::string provider;  // "sendgrid" | "twilio"
    DeliveryEventType type{};
    std::string provider_event_id;  // dedup key, unique across providers
    TimePoint occurred_at;
    std::optional<std::uint64_t> outbox_id;
    std::string idempotency_key;
    std::string provider_msg_id;
    std::string address;  // the recipient (or for stop/start the sender) as the provider spells it
    std::string reason;   // provider text (bounce reason, dropped reason, error message)
    std::string code;     // SMTP status or Twilio ErrorCode
    std::string raw;      // at most kRawEventLimit bytes
};

/// Why an event puts its address on a suppression list: `source` is "<provider>:<event type>".
struct SuppressionCause {
    std::string source;
    std::string reason;
};

/// The suppression an event calls for, or nullopt. Suppressing: a hard bounce, `dropped` with reason Bounced
/// Address / Invalid / Spam Reporting Address / Unsubscribed Address, spamreport, unsubscribe, group_unsubscribe,
/// a Twilio failure with a permanent error code (IsPermanentTwilioError) and an inbound STOP keyword. Never: a soft
/// bounce (`blocked`), `deferred`, other drop reasons.
std::optional<SuppressionCause> SuppressionFor(const FeedbackEvent& event);

/// Twilio's error codes that mean the number will not take messages (do not send again): 21211 invalid number,
/// 21610 unsubscribed (STOP), 21614 not SMS-capable, 21635 landline, 30004 blocked, 30005 unknown handset,
/// 30006 landline or unreachable carrier.
bool IsPermanentTwilioError(std::string_view code);

/// The channel an event's provider delivers on.
Channel ChannelOf(const FeedbackEvent& event);

}  // namespace bulkmsg::domain
