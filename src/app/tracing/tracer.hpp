#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "domain/tracing/span.hpp"

namespace bulkmsg::app {

/// Where finished spans go (port; OTLP over HTTP in production). Export must not block for long: it is called on
/// hot paths.
class SpanExporter {
public:
    virtual ~SpanExporter() = default;
    virtual void Export(domain::Span span) = 0;
};

/// Makes spans with fresh random ids and wall-clock times, and hands finished ones to the exporter. Without an
/// exporter spans are still made, so their ids carry the trace on to the next process, but nothing is recorded.
class Tracer {
public:
    /// Process wiring sets the exporter once, before work starts; it must outlive every span's End.
    void SetExporter(SpanExporter* exporter) { exporter_.store(exporter); }
    bool Recording() const { return exporter_.load() != nullptr; }

    /// A span continuing `parent` (a traceparent), or starting a new trace when `parent` is not valid.
    domain::Span Start(std::string name, domain::SpanKind kind, std::string_view parent) const;
    /// Sets the end time and exports the span when recording.
    void End(domain::Span& span) const;

private:
    std::atomic<SpanExporter*> exporter_{nullptr};
};

/// The process-wide tracer (never destroyed).
Tracer& ProcessTracer();

}  // namespace bulkmsg::app
