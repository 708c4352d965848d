#include "webhook_sender.hpp"

#include "adapters/http_client/curl_transport.hpp"

namespace bulkmsg::sim {

WebhookSender::WebhookSender(FeedbackLoop& loop, std::size_t max_in_flight, std::chrono::milliseconds timeout)
    : loop_(loop), max_in_flight_(max_in_flight), timeout_(timeout) {}

WebhookSender::~WebhookSender() {
    Stop();
}

void WebhookSender::Start() {
    thread_ = std::thread([this] { Run(); });
}

void WebhookSender::Stop() {
    stop_ = true;
    if (thread_.joinable()) {
        thread_.join();
    }
}

void WebhookSender::Run() {
    http::CurlTransport transport({timeout_, ""});
    while (!stop_) {
        for (auto& job : loop_.TakeDue(max_in_flight_ - transport.InFlight())) {
            transport.Submit(std::move(job.request), [this, id = job.id](app::TransportResult result) {
                loop_.Finish(id, result.error.empty() ? result.response.status : 0, result.error);
            });
        }
        if (transport.InFlight() > 0) {
            transport.Poll(std::chrono::milliseconds(20));
        } else {
            // Idle: new messages and retries become due within a flush interval; 10 ms keeps latency low.
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
}  // the transport's destructor abandons the requests still in flight

}  // namespace bulkmsg::sim
