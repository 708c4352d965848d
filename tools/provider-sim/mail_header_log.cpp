#include "mail_header_log.hpp"

#include <string>

namespace bulkmsg::sim {

using nlohmann::json;

namespace {

std::string HeaderValue(const json& headers, const char* name) {
    if (!headers.is_object() || !headers.contains(name) || !headers[name].is_string()) {
        return "";
    }
    return headers[name].get<std::string>();
}

}  // namespace

void MailHeaderLog::Record(const json& body) {
    const std::lock_guard lock(mutex_);
    for (const auto& personalization : body["personalizations"]) {
        const auto headers = personalization.value("headers", json::object());
        json entry = {{"to", personalization["to"][0].value("email", "")},
                      {"list_unsubscribe", HeaderValue(headers, "List-Unsubscribe")},
                      {"list_unsubscribe_post", HeaderValue(headers, "List-Unsubscribe-Post")},
                      {"list_id", HeaderValue(headers, "List-Id")}};
        ++mails_;
        if (!entry["list_unsubscribe"].get<std::string>().empty() &&
            entry["list_unsubscribe_post"] == "List-Unsubscribe=One-Click") {
            ++one_click_;
        }
        if (recorded_.size() < capacity_) {
            recorded_.push_back(std::move(entry));
        }
    }
}

json MailHeaderLog::Report() const {
    const std::lock_guard lock(mutex_);
    return {{"mails", mails_},
            {"one_click", one_click_},
            {"recorded", recorded_},
            {"truncated", recorded_.size() < mails_}};
}

void MailHeaderLog::Reset() {
    const std::lock_guard lock(mutex_);
    mails_ = 0;
    one_click_ = 0;
    recorded_.clear();
}

}  // namespace bulkmsg::sim
