#include "adapters/otlp/otlp_http_exporter.hpp"

#include "adapters/http_client/curl_transport.hpp"
#include "app/log.hpp"
#include "app/metrics/metrics.hpp"

namespace bulkmsg::otlp {

OtlpHttpExporter::OtlpHttpExporter(OtlpExporterOptions options)
    : options_(std::move(options)), thread_([this] { Run(); }) {}

OtlpHttpExporter::~OtlpHttpExporter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void OtlpHttpExporter::Export(domain::Span span) {
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= options_.max_queue) {
            app::ProcessMetrics().trace_spans.With({"dropped"}).Inc();
            return;
        }
        queue_.push_back(std::move(span));
        if (queue_.size() < options_.max_batch) {
            return;
        }
    }
    wake_.notify_one();
}

void OtlpHttpExporter::Run() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait_for(lock, options_.interval, [&] { return stopping_ || queue_.size() >= options_.max_batch; });
        if (queue_.empty() && stopping_) {
            return;
        }
        while (!queue_.empty()) {
            const auto take = std::min(queue_.size(), options_.max_batch);
            std::vector<domain::Span> batch(
                std::make_move_iterator(queue_.begin()),
                std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(take)));
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
            lock.unlock();
            Send(batch);
            lock.lock();
        }
    }
}

void OtlpHttpExporter::Send(const std::vector<domain::Span>& batch) const {
    domain::ProviderRequest request;
    request.url = options_.endpoint + "/v1/traces";
    request.headers = {{"Content-Type", "application/json"}};
    request.body = domain::OtlpTraceRequest(batch, options_.service_name, {{"bulkmsg.role", options_.role}})
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const auto result = http::FetchOnce(request, {.timeout = std::chrono::seconds(5), .ca_file = ""});
    const bool ok = result.error.empty() && result.response.status >= 200 && result.response.status < 300;
    app::ProcessMetrics().trace_spans.With({ok ? "exported" : "dropped"}).Inc(static_cast<double>(batch.size()));
    if (!ok) {
        app::Log(app::LogLevel::kWarn, "tracing", "cannot export spans",
                 {{"endpoint", request.url},
                  {"status", result.response.status},
                  {"error", result.error},
                  {"spans", batch.size()}});
    }
}

}  // namespace bulkmsg::otlp
