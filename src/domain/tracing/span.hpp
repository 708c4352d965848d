#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bulkmsg::domain {

/// The ids a W3C traceparent carries.
struct TraceContext {
    std::string trace_id;  // 32 lower-case hex digits
    std::string span_id;   // 16 lower-case hex digits
};

/// Parses a version-00 traceparent; nullopt when it is not valid.
std::optional<TraceContext> ParseTraceparent(std::string_view value);
/// "00-<trace id>-<span id>-01" (always sampled: bulkmsg records every span it makes when exporting).
std::string FormatTraceparent(const TraceContext& context);

enum class SpanKind { kInternal = 1, kServer = 2, kClient = 3, kProducer = 4, kConsumer = 5 };

/// One finished (or running) operation, as OTLP describes it.
struct Span {
    TraceContext context;
    std::string parent_span_id;  // empty for a trace's root
    std::string name;
    SpanKind kind = SpanKind::kInternal;
    std::int64_t start_unix_nanos = 0;
    std::int64_t end_unix_nanos = 0;
    std::vector<std::pair<std::string, nlohmann::json>> attributes;  // string, integer, double or bool values
    bool error = false;
    std::string status_message;  // set with error

    std::string Traceparent() const { return FormatTraceparent(context); }
};

/// A span named `name` that continues `parent` (a traceparent; when it is not valid the span starts a new trace).
/// `random` supplies the new ids: 8 bytes for the span id, 16 more for a new trace id.
Span StartSpan(std::string name, SpanKind kind, std::string_view parent, const std::array<std::uint8_t, 24>& random,
               std::int64_t start_unix_nanos);

/// The OTLP/HTTP JSON body (ExportTraceServiceRequest) for `spans` of one service: ids in hex, times as decimal
/// strings of nanoseconds, attributes as typed AnyValues, status code 2 (error) or 1 (ok).
nlohmann::json OtlpTraceRequest(const std::vector<Span>& spans, const std::string& service_name,
                                const std::vector<std::pair<std::string, std::string>>& resource_attributes);

}  // namespace bulkmsg::domain
