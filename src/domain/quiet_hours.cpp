#include "domain/quiet_hours.hpp"

namespace bulkmsg::domain {

namespace {

constexpr const char* kRange = R"(must be {"start": "HH:MM", "end": "HH:MM"})";

}  // namespace

SendWindow DefaultQuietHours() {
    return {std::chrono::hours(8), std::chrono::hours(21)};
}

std::optional<SendWindow> ParseQuietHours(const nlohmann::json& body, Channel kind, bool transactional,
                                          std::vector<FieldError>& errors) {
    const auto it = body.find("quiet_hours");
    if (kind != Channel::kSms) {
        if (it != body.end() && !it->is_null()) {
            errors.push_back({"quiet_hours", "applies to sms campaigns only"});
        }
        return std::nullopt;
    }
    if (it == body.end()) {
        return DefaultQuietHours();
    }
    if (it->is_null()) {
        if (!transactional) {
            errors.push_back({"quiet_hours",
                              "may be null only with \"transactional\": true (marketing texts must "
                              "respect the recipient's local quiet hours)"});
        }
        return std::nullopt;
    }
    if (!it->is_object() || it->contains("local_time")) {
        errors.push_back({"quiet_hours", kRange});
        return std::nullopt;
    }
    std::vector<FieldError> window_errors;
    auto window = ParseSendWindow(*it, window_errors);
    for (auto& e : window_errors) {
        errors.push_back({"quiet_hours" + e.field.substr(std::string("send_window").size()), e.reason});
    }
    return window;
}

TimePoint OutsideQuietHours(TimePoint at, const std::optional<SendWindow>& allowed, const std::string& timezone) {
    return allowed ? EarliestSendTime(at, *allowed, timezone) : at;
}

nlohmann::json QuietHoursPayload(const SendWindow& allowed, const std::string& timezone) {
    auto json = SendWindowJson(allowed);
    json["timezone"] = timezone;
    return json;
}

TimePoint OutsideQuietHours(TimePoint at, const nlohmann::json& payload) {
    const auto it = payload.find("quiet_hours");
    if (it == payload.end() || !it->is_object()) {
        return at;
    }
    auto window_json = *it;
    const auto timezone = window_json.value("timezone", "UTC");
    window_json.erase("timezone");
    std::vector<FieldError> errors;
    const auto window = ParseSendWindow(window_json, errors);
    return window && window->end ? EarliestSendTime(at, *window, timezone) : at;
}

}  // namespace bulkmsg::domain
