#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "feedback_events.hpp"

namespace bulkmsg::sim {

/// What bulkmsg acknowledged (2xx) of the simulator's webhooks, per provider, event type and message outcome.
/// Not thread-safe.
class FeedbackStats {
public:
    FeedbackStats();
    void Acknowledged(const std::string& provider, const std::vector<FeedbackItem>& items);
    void Attempted(bool ok, const std::string& error);
    /// {"attempts", "failed_attempts", "last_error", "sendgrid": {"events", "duplicates", "posts", "by_type",
    ///  "messages"}, "twilio": {"callbacks", "duplicates", "stops", "posts", "by_status", "messages"}}.
    nlohmann::json ToJson() const;

private:
    struct Provider {
        std::uint64_t unique = 0, duplicates = 0, stops = 0, posts = 0;
        std::map<std::string, std::uint64_t> by_type, messages;
    };
    std::map<std::string, Provider> providers_;
    std::uint64_t attempts_ = 0, failed_attempts_ = 0;
    std::string last_error_;
};

}  // namespace bulkmsg::sim
