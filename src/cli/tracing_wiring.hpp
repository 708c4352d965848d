#pragma once

#include <memory>
#include <string>

#include "adapters/otlp/otlp_http_exporter.hpp"
#include "domain/config.hpp"

namespace bulkmsg::cli {

/// While alive, the process tracer exports spans to OTEL_EXPORTER_OTLP_ENDPOINT. Destroying it detaches the
/// exporter and sends the spans still queued; destroy it after the workers have stopped.
class TracingExport {
public:
    explicit TracingExport(otlp::OtlpExporterOptions options);
    ~TracingExport();
    TracingExport(const TracingExport&) = delete;
    TracingExport& operator=(const TracingExport&) = delete;

private:
    otlp::OtlpHttpExporter exporter_;
};

/// Starts exporting when the configuration names an OTLP endpoint; null (nothing exported) otherwise.
std::unique_ptr<TracingExport> SetUpTracing(const std::string& role, const domain::Config& config);

}  // namespace bulkmsg::cli
