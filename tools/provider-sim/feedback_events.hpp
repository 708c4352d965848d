#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/providers/http_codec.hpp"
#include "feedback_plan.hpp"

/// The webhook payloads the simulator sends back, shaped as SendGrid's Event Webhook and Twilio's status and
/// inbound-message callbacks (shared/docs/providers.md §1.5, §2.5).
namespace bulkmsg::sim {

/// One recipient of a mail SendGrid accepted, with the custom_args its events carry at top level.
struct AcceptedMail {
    std::string email;
    std::string message_id;  // the X-Message-Id answered
    std::map<std::string, std::string> custom_args;
};

/// Each `to` of an accepted /v3/mail/send body, with the message's custom_args overlaid by its personalization's.
std::vector<AcceptedMail> AcceptedMails(const nlohmann::json& body, const std::string& message_id);

/// An SMS Twilio accepted.
struct AcceptedSms {
    std::string message_sid, account_sid, to, from;
    std::string status_callback;  // the request's StatusCallback; empty: the simulator's default URL
};

/// One piece of feedback as the report counts it once bulkmsg acknowledged it with a 2xx.
struct FeedbackItem {
    std::string type;               // SendGrid event, Twilio MessageStatus, or "stop"
    bool duplicate = false;         // a copy of an item already sent
    std::vector<std::string> tags;  // per-message counts it completes: outcome, "deferred", "opened", ...
};

struct SendgridEvent {
    FeedbackItem item;
    nlohmann::json event;
    bool later = false;  // goes into a later batch than the message's other events (a re-delivered copy)
};

/// A Twilio webhook: a signed form POST to `url`, with Twilio's I-Twilio-Idempotency-Token.
struct TwilioPost {
    FeedbackItem item;
    std::string url;
    domain::FormFields form;
    std::string idempotency_token;
};

/// Unique, seeded identifiers: SendGrid sg_event_id (22 base64url characters, like SendGrid's UUIDs), Twilio
/// SM sids and idempotency tokens. Not thread-safe.
class FeedbackIds {
public:
    explicit FeedbackIds(std::uint64_t seed) : seed_(seed) {}
    std::string EventId();
    std::string MessageSid();

private:
    std::uint64_t seed_;
    std::uint64_t next_ = 0;
};

/// The events of one mail in sending order: processed, then delivered (after a deferred), bounce or dropped,
/// spamreport, open, click; reversed when out of order; a `later` copy of the final event when duplicated.
std::vector<SendgridEvent> SendgridEvents(const AcceptedMail& mail, const MailFate& fate, std::int64_t timestamp,
                                          FeedbackIds& ids);

/// The callbacks of one SMS in sending order (sent then delivered or undelivered, or failed alone; Twilio sends
/// none for the initial queued), reversed when out of order, the final one twice when duplicated, then the
/// recipient's inbound STOP. Status callbacks go to the message's StatusCallback or
/// `webhook_url`/webhooks/twilio/status, the STOP to `webhook_url`/webhooks/twilio/inbound.
std::vector<TwilioPost> TwilioCallbacks(const AcceptedSms& sms, const SmsFate& fate, const std::string& webhook_url,
                                        std::chrono::system_clock::time_point now, FeedbackIds& ids);

}  // namespace bulkmsg::sim
