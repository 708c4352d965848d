#include "api/observed_handler.hpp"

#include "app/metrics/metrics.hpp"
#include "app/tracing/tracer.hpp"

namespace bulkmsg::api {

using app::HttpRequest;
using app::HttpResponse;

app::HttpHandler ObservedHandler(app::HttpHandler inner) {
    return [inner = std::move(inner)](const HttpRequest& request) {
        auto& metrics = app::ProcessMetrics();
        if (!request.path.starts_with("/api/")) {
            auto response = inner(request);
            metrics.http_requests.With({std::to_string(response.status)}).Inc();
            return response;
        }
        auto& tracer = app::ProcessTracer();
        const auto incoming = request.headers.find("traceparent");
        auto span = tracer.Start(request.method + " " + request.path, domain::SpanKind::kServer,
                                 incoming == request.headers.end() ? "" : incoming->second);
        auto traced = request;
        traced.headers["traceparent"] = span.Traceparent();
        auto response = inner(traced);
        metrics.http_requests.With({std::to_string(response.status)}).Inc();
        span.attributes = {{"http.request.method", request.method},
                           {"url.path", request.path},
                           {"http.response.status_code", response.status}};
        span.error = response.status >= 500;
        tracer.End(span);
        response.headers.emplace_back("traceparent", span.Traceparent());
        return response;
    };
}

}  // namespace bulkmsg::api
