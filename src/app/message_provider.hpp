#pragma once

#include <functional>
#include <string_view>

#include "domain/providers/provider_types.hpp"

namespace bulkmsg::app {

/// Sends one message through a provider (port). `done` runs exactly once, on the caller's thread: inside Send when
/// the message is refused before sending (or the provider is synchronous), otherwise inside the HttpTransport's
/// Poll. The message is copied as needed; the caller need not keep it alive.
class MessageProvider {
public:
    using Done = std::function<void(domain::SendResult)>;
    virtual ~MessageProvider() = default;
    virtual void Send(const domain::OutboundMessage& message, Done done) = 0;
    /// "sendgrid", "twilio", "fcm", "apns", "log": the provider label of logs and metrics.
    virtual std::string_view Name() const = 0;
};

}  // namespace bulkmsg::app
