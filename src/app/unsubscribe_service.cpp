#include "app/unsubscribe_service.hpp"

namespace bulkmsg::app {

UnsubscribeService::UnsubscribeService(SuppressionStore& store, domain::UnsubscribeKeys keys)
    : store_(store), keys_(std::move(keys)) {}

std::optional<UnsubscribeService::Resolved> UnsubscribeService::Resolve(std::string_view token) {
    const auto subject = domain::VerifyUnsubscribeToken(token, keys_);
    if (!subject) {
        return std::nullopt;
    }
    auto address = store_.UnsubscribeAddress(*subject);
    if (!address) {
        return std::nullopt;
    }
    return Resolved{*subject, std::move(*address)};
}

std::optional<domain::Channel> UnsubscribeService::Check(std::string_view token) {
    const auto resolved = Resolve(token);
    return resolved ? std::optional(resolved->subject.channel) : std::nullopt;
}

bool UnsubscribeService::OneClick(std::string_view token) {
    const auto resolved = Resolve(token);
    if (!resolved) {
        return false;
    }
    Suppression suppression;
    suppression.channel = resolved->subject.channel;
    suppression.address = resolved->address;
    suppression.reason = "unsubscribed with the link of campaign " + std::to_string(resolved->subject.campaign_id);
    suppression.source = "one-click";
    suppression.campaign_id = resolved->subject.campaign_id;
    store_.AddSuppression(suppression);
    store_.SuppressUnsentRows(suppression.channel, suppression.address, suppression.source);
    return true;
}

}  // namespace bulkmsg::app
