#include "domain/feedback_event.hpp"

#include <algorithm>
#include <array>

namespace bulkmsg::domain {

namespace {

bool IsSuppressingDropReason(std::string_view reason) {
    static constexpr std::array<std::string_view, 4> kReasons = {"Bounced Address", "Invalid", "Spam Reporting Address",
                                                                 "Unsubscribed Address"};
    return std::find(kReasons.begin(), kReasons.end(), reason) != kReasons.end();
}

bool Suppresses(const FeedbackEvent& event) {
    using E = DeliveryEventType;
    switch (event.type) {
        case E::kBounce:
        case E::kSpamReport:
        case E::kUnsubscribe:
        case E::kGroupUnsubscribe:
        case E::kStop: return true;
        case E::kDropped: return IsSuppressingDropReason(event.reason);
        case E::kUndelivered:
        case E::kFailed: return IsPermanentTwilioError(event.code);
        default: return false;
    }
}

}  // namespace

bool IsPermanentTwilioError(std::string_view code) {
    static constexpr std::array<std::string_view, 7> kCodes = {"21211", "21610", "21614", "21635",
                                                               "30004", "30005", "30006"};
    return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

std::optional<SuppressionCause> SuppressionFor(const FeedbackEvent& event) {
    if (!Suppresses(event)) {
        return std::nullopt;
    }
    std::string reason = event.reason.empty() ? std::string(ToString(event.type)) : event.reason;
    if (!event.code.empty()) {
        reason += " (" + event.code + ")";
    }
    return SuppressionCause{event.provider + ":" + std::string(ToString(event.type)), reason.substr(0, 255)};
}

Channel ChannelOf(const FeedbackEvent& event) {
    return event.provider == "twilio" ? Channel::kSms : Channel::kEmail;
}

}  // namespace bulkmsg::domain
