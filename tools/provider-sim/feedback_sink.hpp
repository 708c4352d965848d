#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "feedback_events.hpp"

namespace bulkmsg::sim {

/// Where the ProviderSimulator reports the messages it accepted, so that feedback can be sent back for them.
/// Implementations are thread-safe and never block for long: provider answers must not wait for webhooks.
class FeedbackSink {
public:
    virtual ~FeedbackSink() = default;
    /// A /v3/mail/send `body` SendGrid answered 202 with `message_id`.
    virtual void MailAccepted(const nlohmann::json& body, const std::string& message_id) = 0;
    virtual void SmsAccepted(const AcceptedSms& sms) = 0;
    /// The "feedback" member of GET /_sim/stats (docs/simulator.md).
    virtual nlohmann::json Stats() const = 0;
    /// POST /_sim/reset: zero the counts, forget webhooks not yet in flight, restart the plan.
    virtual void Reset() = 0;
};

}  // namespace bulkmsg::sim
