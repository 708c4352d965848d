#include "feedback_stats.hpp"

namespace bulkmsg::sim {

namespace {

std::map<std::string, std::uint64_t> Zeros(std::initializer_list<const char*> names) {
    std::map<std::string, std::uint64_t> zeros;
    for (const auto* name : names) {
        zeros[name] = 0;
    }
    return zeros;
}

}  // namespace

FeedbackStats::FeedbackStats() {
    auto& sendgrid = providers_["sendgrid"];
    sendgrid.by_type =
        Zeros({"processed", "deferred", "delivered", "bounce", "dropped", "spamreport", "open", "click"});
    sendgrid.messages = Zeros({"delivered", "bounced", "dropped", "complained", "deferred", "opened", "clicked",
                               "out_of_order", "duplicated"});
    auto& twilio = providers_["twilio"];
    twilio.by_type = Zeros({"sent", "delivered", "undelivered", "failed"});
    twilio.messages = Zeros({"delivered", "undelivered", "failed", "out_of_order", "duplicated", "stopped"});
}

void FeedbackStats::Acknowledged(const std::string& provider, const std::vector<FeedbackItem>& items) {
    auto& p = providers_[provider];
    ++p.posts;
    for (const auto& item : items) {
        if (item.duplicate) {
            ++p.duplicates;
        } else if (item.type == "stop") {
            ++p.stops;
        } else {
            ++p.unique;
            ++p.by_type[item.type];
        }
        for (const auto& tag : item.tags) {
            ++p.messages[tag];
        }
    }
}

void FeedbackStats::Attempted(bool ok, const std::string& error) {
    ++attempts_;
    if (!ok) {
        ++failed_attempts_;
        last_error_ = error;
    }
}

nlohmann::json FeedbackStats::ToJson() const {
    const auto& s = providers_.at("sendgrid");
    const auto& t = providers_.at("twilio");
    return {{"attempts", attempts_},
            {"failed_attempts", failed_attempts_},
            {"last_error", last_error_},
            {"sendgrid",
             {{"events", s.unique},
              {"duplicates", s.duplicates},
              {"posts", s.posts},
              {"by_type", s.by_type},
              {"messages", s.messages}}},
            {"twilio",
             {{"callbacks", t.unique},
              {"duplicates", t.duplicates},
              {"stops", t.stops},
              {"posts", t.posts},
              {"by_status", t.by_type},
              {"messages", t.messages}}}};
}

}  // namespace bulkmsg::sim
