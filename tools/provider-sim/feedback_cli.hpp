#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "feedback_loop.hpp"

namespace bulkmsg::sim {

/// The command-line flags of the feedback loop (docs/simulator.md "Feedback").
struct FeedbackCliOptions {
    std::string webhook_url;
    std::string sendgrid_key_file;
    FeedbackRates rates;
    std::uint64_t seed = 1;
    std::size_t batch_events = 1000;
    unsigned flush_ms = 200, in_flight = 8;
};

void AddFeedbackOptions(CLI::App& app, FeedbackCliOptions& options);

/// The loop's settings, or nullopt when --webhook-url is absent (feedback off). Twilio callbacks are signed with
/// the auth token the simulator checks (--twilio-auth-token). Throws std::runtime_error for an unreadable key file.
std::optional<FeedbackSettings> FeedbackSettingsFrom(const FeedbackCliOptions& options,
                                                     const std::string& twilio_auth_token);

}  // namespace bulkmsg::sim
