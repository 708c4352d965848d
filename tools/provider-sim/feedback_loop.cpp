#include "feedback_loop.hpp"

#include "domain/providers/provider_types.hpp"

namespace bulkmsg::sim {

namespace {

std::int64_t Seconds(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

FeedbackLoop::FeedbackLoop(FeedbackSettings settings, Now now)
    : settings_(std::move(settings)),
      now_(std::move(now)),
      signer_(settings_.sendgrid_private_key_pem.empty()
                  ? nullptr
                  : std::make_unique<SendgridSigner>(settings_.sendgrid_private_key_pem)),
      planner_(settings_.rates, settings_.seed),
      ids_(Mix64(settings_.seed) ^ static_cast<std::uint64_t>(now_().time_since_epoch().count())),
      batcher_(settings_.batch_events, settings_.flush_interval),
      queue_(settings_.retry) {}

void FeedbackLoop::MailAccepted(const nlohmann::json& body, const std::string& message_id) {
    if (!signer_) {
        return;
    }
    const auto mails = AcceptedMails(body, message_id);
    const std::lock_guard lock(mutex_);
    const auto now = now_();
    for (const auto& mail : mails) {
        auto events = SendgridEvents(mail, planner_.NextMail(), Seconds(now), ids_);
        batcher_.Add(std::move(events), now);
    }
}

void FeedbackLoop::SmsAccepted(const AcceptedSms& sms) {
    if (settings_.twilio_auth_token.empty()) {
        return;
    }
    const std::lock_guard lock(mutex_);
    const auto now = now_();
    std::vector<WebhookPost> chain;
    for (auto& post : TwilioCallbacks(sms, planner_.NextSms(), settings_.webhook_url, now, ids_)) {
        auto request = TwilioWebhookRequest(settings_.twilio_auth_token, post);
        chain.push_back({[request](TimePoint) { return request; }, "twilio", {std::move(post.item)}});
    }
    queue_.Add(std::move(chain), now);
}

std::vector<WebhookJob> FeedbackLoop::TakeDue(std::size_t max) {
    const std::lock_guard lock(mutex_);
    const auto now = now_();
    while (auto batch = batcher_.Take(now)) {
        std::vector<FeedbackItem> items;
        for (auto& event : *batch) {
            items.push_back(std::move(event.item));
        }
        auto build = [signer = signer_.get(), url = settings_.webhook_url + "/webhooks/sendgrid",
                      body = BatchBody(*batch)](TimePoint at) {
            return SendgridWebhookRequest(*signer, url, body, Seconds(at));
        };
        queue_.Add({{std::move(build), "sendgrid", std::move(items)}}, now);
    }
    return queue_.TakeDue(now, max);
}

void FeedbackLoop::Finish(std::uint64_t id, long status, const std::string& error) {
    const bool ok = status >= 200 && status < 300;
    const std::lock_guard lock(mutex_);
    stats_.Attempted(ok, ok ? "" : error.empty() ? "HTTP " + std::to_string(status) : error);
    if (auto post = queue_.Finish(id, ok, now_())) {
        stats_.Acknowledged(post->provider, post->items);
    }
}

std::optional<TimePoint> FeedbackLoop::NextDue() const {
    const std::lock_guard lock(mutex_);
    const auto batch = batcher_.NextDue();
    const auto post = queue_.NextDue();
    if (batch && post) {
        return std::min(*batch, *post);
    }
    return batch ? batch : post;
}

std::size_t FeedbackLoop::Pending() const {
    const std::lock_guard lock(mutex_);
    return batcher_.Size() + queue_.Pending();
}

nlohmann::json FeedbackLoop::Stats() const {
    const std::lock_guard lock(mutex_);
    auto stats = stats_.ToJson();
    stats["enabled"] = true;
    stats["webhook_url"] = settings_.webhook_url;
    stats["pending"] = batcher_.Size() + queue_.Pending();
    return stats;
}

void FeedbackLoop::Reset() {
    const std::lock_guard lock(mutex_);
    batcher_.Clear();
    queue_.ClearWaiting();
    stats_ = FeedbackStats();
    planner_ = FeedbackPlanner(settings_.rates, settings_.seed);
}

}  // namespace bulkmsg::sim
