#pragma once

#include <atomic>
#include <chrono>
#include <thread>

#include "feedback_loop.hpp"

namespace bulkmsg::sim {

/// Posts the FeedbackLoop's due webhooks with libcurl (bulkmsg's CurlTransport, keep-alive, several in flight)
/// on its own thread and reports each answer back, so provider answers never wait for a webhook.
class WebhookSender {
public:
    WebhookSender(FeedbackLoop& loop, std::size_t max_in_flight, std::chrono::milliseconds timeout);
    ~WebhookSender();
    WebhookSender(const WebhookSender&) = delete;
    WebhookSender& operator=(const WebhookSender&) = delete;

    void Start();
    /// Stops within 20 ms: requests in flight are abandoned (unacknowledged), webhooks still waiting not sent.
    void Stop();

private:
    void Run();

    FeedbackLoop& loop_;
    std::size_t max_in_flight_;
    std::chrono::milliseconds timeout_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace bulkmsg::sim
