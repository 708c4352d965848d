#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

namespace bulkmsg::sim {

/// The one-click unsubscribe headers (RFC 8058) of every SendGrid personalization the simulator received past
/// authentication and field checks, so a test can check each link against the recipient it was sent to. Keeps the
/// first `capacity` entries (a run of millions must not grow the simulator without bound) and counts all of
/// them. Thread-safe.
class MailHeaderLog {
public:
    explicit MailHeaderLog(std::size_t capacity = 100'000) : capacity_(capacity) {}

    /// Records each personalization of a /v3/mail/send body.
    void Record(const nlohmann::json& body);
    /// {"mails": personalizations seen, "one_click": those with both RFC 8058 headers,
    ///  "recorded": [{"to", "list_unsubscribe", "list_unsubscribe_post", "list_id"}], "truncated": bool}.
    nlohmann::json Report() const;
    void Reset();

private:
    mutable std::mutex mutex_;
    std::size_t capacity_;
    std::uint64_t mails_ = 0;
    std::uint64_t one_click_ = 0;
    std::vector<nlohmann::json> recorded_;
};

}  // namespace bulkmsg::sim
