#include "app/providers/provider_router.hpp"

#include <algorithm>
#include <cctype>

namespace bulkmsg::app {

ProviderRouter::ProviderRouter(std::unique_ptr<MessageProvider> email, std::unique_ptr<MessageProvider> sms,
                               std::unique_ptr<MessageProvider> push, std::unique_ptr<MessageProvider> apns)
    : email_(std::move(email)), sms_(std::move(sms)), push_(std::move(push)), apns_(std::move(apns)) {}

MessageProvider& ProviderRouter::For(const domain::OutboundMessage& message) {
    switch (message.kind) {
        case domain::Channel::kEmail: return *email_;
        case domain::Channel::kSms: return *sms_;
        case domain::Channel::kPush: break;
    }
    return apns_ && IsApnsDeviceToken(message.user_ref) ? *apns_ : *push_;
}

bool IsApnsDeviceToken(std::string_view token) {
    return token.size() == 64 &&
           std::all_of(token.begin(), token.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

}  // namespace bulkmsg::app
