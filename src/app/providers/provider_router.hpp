#pragma once

#include <memory>

#include "app/message_provider.hpp"

namespace bulkmsg::app {

/// Chooses the provider of each message by its channel. Push messages go to `push`; when `apns` is also given,
/// tokens that look like APNs device tokens (64 hex digits) go there instead.
class ProviderRouter {
public:
    ProviderRouter(std::unique_ptr<MessageProvider> email, std::unique_ptr<MessageProvider> sms,
                   std::unique_ptr<MessageProvider> push, std::unique_ptr<MessageProvider> apns = nullptr);

    MessageProvider& For(const domain::OutboundMessage& message);

private:
    std::unique_ptr<MessageProvider> email_, sms_, push_, apns_;
};

/// True for a 64-hex-digit token, the form APNs device tokens take.
bool IsApnsDeviceToken(std::string_view token);

}  // namespace bulkmsg::app
