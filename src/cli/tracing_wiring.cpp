#include "cli/tracing_wiring.hpp"

#include "app/log.hpp"

namespace bulkmsg::cli {

TracingExport::TracingExport(otlp::OtlpExporterOptions options) : exporter_(std::move(options)) {
    app::ProcessTracer().SetExporter(&exporter_);
}

TracingExport::~TracingExport() {
    app::ProcessTracer().SetExporter(nullptr);
}

std::unique_ptr<TracingExport> SetUpTracing(const std::string& role, const domain::Config& config) {
    if (config.tracing.otlp_endpoint.empty()) {
        return nullptr;
    }
    app::Log(app::LogLevel::kInfo, role, "exporting spans",
             {{"endpoint", config.tracing.otlp_endpoint + "/v1/traces"}});
    return std::make_unique<TracingExport>(otlp::OtlpExporterOptions{
        .endpoint = config.tracing.otlp_endpoint, .service_name = config.tracing.service_name, .role = role});
}

}  // namespace bulkmsg::cli
