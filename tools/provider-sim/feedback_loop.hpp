#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "feedback_plan.hpp"
#include "feedback_sink.hpp"
#include "feedback_stats.hpp"
#include "webhook_queue.hpp"
#include "webhook_signer.hpp"

namespace bulkmsg::sim {

/// How the simulator sends feedback back (the --webhook-url / --feedback-* flags).
struct FeedbackSettings {
    std::string webhook_url;               // bulkmsg's PUBLIC_BASE_URL, without trailing slash
    std::string sendgrid_private_key_pem;  // signs SendGrid batches; empty: no SendGrid events
    std::string twilio_auth_token;         // signs Twilio callbacks; empty: no Twilio callbacks
    FeedbackRates rates;
    std::uint64_t seed = 1;
    std::size_t batch_events = 1000;
    std::chrono::milliseconds flush_interval{200};
    RetryPolicy retry;
};

/// The feedback loop without its I/O: plans each accepted message's events (FeedbackPlanner), batches and
/// signs them, hands due webhook requests to a sender (TakeDue), retries the ones not acknowledged and counts
/// what was (Finish). The plan depends on the seed only; event ids and inbound sids also on the start time, so that
/// a restarted simulator never repeats the sg_event_ids bulkmsg has already stored. Thread-safe.
class FeedbackLoop final : public FeedbackSink {
public:
    using Now = std::function<TimePoint()>;
    /// Throws std::invalid_argument for invalid rates or key.
    FeedbackLoop(FeedbackSettings settings, Now now);

    void MailAccepted(const nlohmann::json& body, const std::string& message_id) override;
    void SmsAccepted(const AcceptedSms& sms) override;
    nlohmann::json Stats() const override;
    void Reset() override;

    /// Up to `max` webhook requests due now (full or aged SendGrid batches, the next callback of each SMS).
    std::vector<WebhookJob> TakeDue(std::size_t max);
    /// The answer to job `id`: HTTP `status`, or 0 with `error` when the request failed in transport.
    void Finish(std::uint64_t id, long status, const std::string& error);
    /// When the next request becomes due, if any is waiting.
    std::optional<TimePoint> NextDue() const;
    /// Events and callbacks planned and not yet acknowledged.
    std::size_t Pending() const;

private:
    FeedbackSettings settings_;
    Now now_;
    std::unique_ptr<SendgridSigner> signer_;
    mutable std::mutex mutex_;
    FeedbackPlanner planner_;
    FeedbackIds ids_;
    SendgridBatcher batcher_;
    RetryQueue queue_;
    FeedbackStats stats_;
};

}  // namespace bulkmsg::sim
