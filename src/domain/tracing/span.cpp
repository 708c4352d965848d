#include "domain/tracing/span.hpp"

#include "domain/traceparent.hpp"

namespace bulkmsg::domain {

std::optional<TraceContext> ParseTraceparent(std::string_view value) {
    if (!IsValidTraceparent(value)) {
        return std::nullopt;
    }
    return TraceContext{std::string(value.substr(3, 32)), std::string(value.substr(36, 16))};
}

std::string FormatTraceparent(const TraceContext& context) {
    return "00-" + context.trace_id + "-" + context.span_id + "-01";
}

Span StartSpan(std::string name, SpanKind kind, std::string_view parent, const std::array<std::uint8_t, 24>& random,
               std::int64_t start_unix_nanos) {
    // MakeTraceparent turns the random bytes into valid (non-zero) ids: trace id from the first 16, span id from
    // the last 8.
    const auto fresh = *ParseTraceparent(MakeTraceparent(random));
    Span span;
    span.name = std::move(name);
    span.kind = kind;
    span.start_unix_nanos = start_unix_nanos;
    if (const auto parent_context = ParseTraceparent(parent)) {
        span.context = {parent_context->trace_id, fresh.span_id};
        span.parent_span_id = parent_context->span_id;
    } else {
        span.context = fresh;
    }
    return span;
}

namespace {

nlohmann::json AnyValue(const nlohmann::json& value) {
    if (value.is_boolean()) {
        return {{"boolValue", value.get<bool>()}};
    }
    if (value.is_number_integer()) {
        return {{"intValue", value.dump()}};  // int64 as a decimal string, per the protobuf JSON mapping
    }
    if (value.is_number()) {
        return {{"doubleValue", value.get<double>()}};
    }
    return {{"stringValue", value.is_string() ? value.get<std::string>() : value.dump()}};
}

nlohmann::json KeyValues(const std::vector<std::pair<std::string, nlohmann::json>>& attributes) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [key, value] : attributes) {
        list.push_back({{"key", key}, {"value", AnyValue(value)}});
    }
    return list;
}

nlohmann::json SpanJson(const Span& span) {
    nlohmann::json json = {{"traceId", span.context.trace_id},
                           {"spanId", span.context.span_id},
                           {"name", span.name},
                           {"kind", static_cast<int>(span.kind)},
                           {"startTimeUnixNano", std::to_string(span.start_unix_nanos)},
                           {"endTimeUnixNano", std::to_string(span.end_unix_nanos)},
                           {"attributes", KeyValues(span.attributes)},
                           {"status", {{"code", span.error ? 2 : 1}}}};
    if (!span.parent_span_id.empty()) {
        json["parentSpanId"] = span.parent_span_id;
    }
    if (span.error && !span.status_message.empty()) {
        json["status"]["message"] = span.status_message;
    }
    return json;
}

}  // namespace

nlohmann::json OtlpTraceRequest(const std::vector<Span>& spans, const std::string& service_name,
                                const std::vector<std::pair<std::string, std::string>>& resource_attributes) {
    std::vector<std::pair<std::string, nlohmann::json>> resource = {{"service.name", service_name}};
    for (const auto& [key, value] : resource_attributes) {
        resource.emplace_back(key, value);
    }
    nlohmann::json span_list = nlohmann::json::array();
    for (const auto& span : spans) {
        span_list.push_back(SpanJson(span));
    }
    return {{"resourceSpans",
             {{{"resource", {{"attributes", KeyValues(resource)}}},
               {"scopeSpans", {{{"scope", {{"name", "bulkmsg"}}}, {"spans", span_list}}}}}}}};
}

}  // namespace bulkmsg::domain
