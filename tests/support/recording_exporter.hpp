#pragma once

#include <vector>

#include "app/tracing/tracer.hpp"

namespace bulkmsg::testing {

/// Collects the spans the process tracer exports while it exists (installed as its exporter; one at a time).
class RecordingExporter final : public app::SpanExporter {
public:
    RecordingExporter() { app::ProcessTracer().SetExporter(this); }
    ~RecordingExporter() override { app::ProcessTracer().SetExporter(nullptr); }
    RecordingExporter(const RecordingExporter&) = delete;
    RecordingExporter& operator=(const RecordingExporter&) = delete;

    void Export(domain::Span span) override { spans.push_back(std::move(span)); }
    std::vector<domain::Span> spans;
};

}  // namespace bulkmsg::testing
