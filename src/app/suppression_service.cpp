#include "app/suppression_service.hpp"

namespace bulkmsg::app {

SuppressionService::SuppressionService(SuppressionStore& store) : store_(store) {}

std::vector<domain::FieldError> SuppressionService::Check(const std::string& channel, const std::string& address) {
    std::vector<domain::FieldError> errors;
    const auto kind = domain::ParseChannel(channel);
    if (!kind) {
        errors.push_back({"channel", "must be one of email, sms, push"});
        return errors;
    }
    std::vector<domain::FieldError> target_errors;
    domain::TargetFromJson({{"user_ref", address}, {"kind", channel}}, *kind, target_errors);
    for (auto& e : target_errors) {
        errors.push_back({e.field == "user_ref" ? "address" : e.field, e.reason});
    }
    return errors;
}

SuppressionService::Added SuppressionService::Add(const Suppression& suppression) {
    const auto added = store_.AddSuppression(suppression) ? Added::kCreated : Added::kUpdated;
    store_.SuppressUnsentRows(suppression.channel, suppression.address, suppression.source);
    return added;
}

bool SuppressionService::Remove(domain::Channel channel, const std::string& address) {
    return store_.RemoveSuppression(channel, address);
}

std::vector<Suppression> SuppressionService::List(std::optional<domain::Channel> channel,
                                                  const std::string& address_prefix, std::uint64_t after_id,
                                                  std::size_t limit) {
    return store_.ListSuppressions(channel, address_prefix, after_id, limit);
}

}  // namespace bulkmsg::app
