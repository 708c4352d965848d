#include "domain/channel.hpp"

namespace bulkmsg::domain {

std::string_view ToString(Channel channel) {
    switch (channel) {
        case Channel::kEmail: return "email";
        case Channel::kSms: return "sms";
        case Channel::kPush: return "push";
    }
    return "email";
}

std::optional<Channel> ParseChannel(std::string_view text) {
    for (auto c : {Channel::kEmail, Channel::kSms, Channel::kPush}) {
        if (ToString(c) == text) {
            return c;
        }
    }
    return std::nullopt;
}

}  // namespace bulkmsg::domain
