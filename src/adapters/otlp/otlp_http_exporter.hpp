#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/tracing/tracer.hpp"

namespace bulkmsg::otlp {

struct OtlpExporterOptions {
    std::string endpoint;                      // OTEL_EXPORTER_OTLP_ENDPOINT; spans go to <endpoint>/v1/traces
    std::string service_name = "bulkmsg";      // resource attribute service.name
    std::string role;                          // resource attribute bulkmsg.role
    std::size_t max_batch = 512;               // spans per request
    std::chrono::milliseconds interval{1000};  // a span waits at most this long for its batch
    std::size_t max_queue = 20'000;            // spans held at most; more are dropped (and counted)
};

/// A SpanExporter that sends spans as OTLP/HTTP JSON (what Jaeger and the OpenTelemetry collector accept) from a
/// background thread in batches. Export never blocks: when the queue is full the span is dropped. A failed request
/// drops its batch (tracing must not hold messages back). Spans still queued are sent on destruction.
class OtlpHttpExporter final : public app::SpanExporter {
public:
    explicit OtlpHttpExporter(OtlpExporterOptions options);
    ~OtlpHttpExporter() override;
    OtlpHttpExporter(const OtlpHttpExporter&) = delete;
    OtlpHttpExporter& operator=(const OtlpHttpExporter&) = delete;

    void Export(domain::Span span) override;

private:
    void Run();
    void Send(const std::vector<domain::Span>& batch) const;

    OtlpExporterOptions options_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<domain::Span> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace bulkmsg::otlp
