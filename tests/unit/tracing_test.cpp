#include <gtest/gtest.h>

#include "api/observed_handler.hpp"
#include "domain/tracing/span.hpp"
#include "support/recording_exporter.hpp"

namespace bulkmsg {
namespace {

std::array<std::uint8_t, 24> Bytes(std::uint8_t value) {
    std::array<std::uint8_t, 24> bytes{};
    bytes.fill(value);
    return bytes;
}

TEST(TracingTest, ChildSpanKeepsTheTraceAndPointsAtItsParent) {
    const auto span = domain::StartSpan("consume", domain::SpanKind::kConsumer,
                                        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Bytes(0xab), 5);
    EXPECT_EQ(span.context.trace_id, "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(span.context.span_id, "abababababababab");
    EXPECT_EQ(span.parent_span_id, "b7ad6b7169203331");
    EXPECT_EQ(span.Traceparent(), "00-0af7651916cd43dd8448eb211c80319c-abababababababab-01");
    EXPECT_EQ(span.start_unix_nanos, 5);
}

TEST(TracingTest, InvalidOrMissingParentStartsANewTrace) {
    for (const char* parent : {"", "garbage", "00-00000000000000000000000000000000-b7ad6b7169203331-01"}) {
        const auto span = domain::StartSpan("x", domain::SpanKind::kServer, parent, Bytes(0x01), 0);
        EXPECT_EQ(span.context.trace_id, "01010101010101010101010101010101");
        EXPECT_TRUE(span.parent_span_id.empty()) << parent;
    }
    const auto zero = domain::StartSpan("x", domain::SpanKind::kServer, "", Bytes(0), 0);
    EXPECT_TRUE(domain::ParseTraceparent(zero.Traceparent())) << "all-zero random bytes still give valid ids";
}

TEST(TracingTest, OtlpJsonCarriesHexIdsNanosAsStringsTypedAttributesAndStatus) {
    auto span = domain::StartSpan("provider apns", domain::SpanKind::kClient,
                                  "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Bytes(0x0c), 1000);
    span.end_unix_nanos = 2500;
    span.attributes = {{"bulkmsg.provider", "apns"}, {"bulkmsg.attempt", 2}, {"ratio", 0.5}, {"ok", false}};
    span.error = true;
    span.status_message = "apns 410 Unregistered";
    const auto body = domain::OtlpTraceRequest({span}, "bulkmsg", {{"bulkmsg.role", "consumer"}});
    const auto& resource = body["resourceSpans"][0]["resource"]["attributes"];
    EXPECT_EQ(resource[0], (nlohmann::json{{"key", "service.name"}, {"value", {{"stringValue", "bulkmsg"}}}}));
    EXPECT_EQ(resource[1]["value"]["stringValue"], "consumer");
    const auto& json = body["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    EXPECT_EQ(json["traceId"], "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(json["spanId"], "0c0c0c0c0c0c0c0c");
    EXPECT_EQ(json["parentSpanId"], "b7ad6b7169203331");
    EXPECT_EQ(json["kind"], 3);
    EXPECT_EQ(json["startTimeUnixNano"], "1000");
    EXPECT_EQ(json["endTimeUnixNano"], "2500");
    EXPECT_EQ(json["attributes"][1], (nlohmann::json{{"key", "bulkmsg.attempt"}, {"value", {{"intValue", "2"}}}}));
    EXPECT_EQ(json["attributes"][2]["value"]["doubleValue"], 0.5);
    EXPECT_EQ(json["attributes"][3]["value"]["boolValue"], false);
    EXPECT_EQ(json["status"], (nlohmann::json{{"code", 2}, {"message", "apns 410 Unregistered"}}));
}

TEST(TracingTest, ApiRequestsRunInAServerSpanThatTheHandlerSeesAsTheirTraceparent) {
    testing::RecordingExporter exporter;
    std::string seen;
    const auto handler = api::ObservedHandler([&](const app::HttpRequest& r) {
        const auto it = r.headers.find("traceparent");
        seen = it == r.headers.end() ? "" : it->second;
        return app::JsonResponse(202, {});
    });
    const auto response = handler({"POST",
                                   "/api/v1/campaigns/7/prepare",
                                   "",
                                   {{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}},
                                   ""});
    ASSERT_EQ(exporter.spans.size(), 1u);
    const auto& span = exporter.spans[0];
    EXPECT_EQ(span.kind, domain::SpanKind::kServer);
    EXPECT_EQ(span.parent_span_id, "b7ad6b7169203331");
    EXPECT_EQ(seen, span.Traceparent());
    EXPECT_EQ(response.headers.back(), (std::pair<std::string, std::string>{"traceparent", span.Traceparent()}));
    handler({"GET", "/metrics", "", {}, ""});
    EXPECT_EQ(exporter.spans.size(), 1u) << "operational endpoints are not traced";
    EXPECT_EQ(seen, "");
}

}  // namespace
}  // namespace bulkmsg
