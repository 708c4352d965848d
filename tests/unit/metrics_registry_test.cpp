#include "app/metrics/metrics_registry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

#include "app/metrics/metrics.hpp"
#include "api/ops_routes.hpp"

namespace bulkmsg::app {
using api::OpsRoutes;

namespace {

TEST(MetricsRegistryTest, RendersCountersAndGaugesWithHelpTypeAndLabels) {
    MetricsRegistry registry;
    auto& sent = registry.AddCounter("x_sent_total", "Messages sent", {"channel", "provider"});
    auto& depth = registry.AddGauge("x_depth", "Queue depth");
    sent.With({"email", "sendgrid"}).Inc();
    sent.With({"email", "sendgrid"}).Inc(2);
    sent.With({"sms", "twilio"}).Inc();
    depth.With({}).Set(12.5);
    EXPECT_EQ(registry.Render(),
              "# HELP x_sent_total Messages sent\n"
              "# TYPE x_sent_total counter\n"
              "x_sent_total{channel=\"email\",provider=\"sendgrid\"} 3\n"
              "x_sent_total{channel=\"sms\",provider=\"twilio\"} 1\n"
              "# HELP x_depth Queue depth\n"
              "# TYPE x_depth gauge\n"
              "x_depth 12.5\n");
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
    MetricsRegistry registry;
    auto& latency = registry.AddHistogram("x_seconds", "Latency", {"provider"}, {0.1, 1});
    auto& h = latency.With({"apns"});
    h.Observe(0.05);
    h.Observe(0.1);  // a value equal to a bound falls in that bucket (le = less or equal)
    h.Observe(0.5);
    h.Observe(7);
    EXPECT_EQ(registry.Render(),
              "# HELP x_seconds Latency\n"
              "# TYPE x_seconds histogram\n"
              "x_seconds_count{provider=\"apns\"} 4\n"  // prometheus-cpp writes count and sum before the buckets
              "x_seconds_sum{provider=\"apns\"} 7.65\n"
              "x_seconds_bucket{provider=\"apns\",le=\"0.1\"} 2\n"
              "x_seconds_bucket{provider=\"apns\",le=\"1\"} 3\n"
              "x_seconds_bucket{provider=\"apns\",le=\"+Inf\"} 4\n");
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelp) {
    MetricsRegistry registry;
    registry.AddGauge("x_g", "line one\nback\\slash", {"v"}).With({"a\"b\\c\nd"}).Set(1);
    const auto text = registry.Render();
    EXPECT_NE(text.find("# HELP x_g line one\\nback\\\\slash\n"), std::string::npos) << text;
    EXPECT_NE(text.find("x_g{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsRegistryTest, FormatsSpecialValues) {
    MetricsRegistry registry;
    auto& values = registry.AddGauge("x_v", "values", {"k"});
    values.With({"a"}).Set(std::numeric_limits<double>::infinity());
    values.With({"b"}).Set(-std::numeric_limits<double>::infinity());
    values.With({"c"}).Set(std::nan(""));
    values.With({"d"}).Set(1e20);
    values.With({"e"}).Set(-3);
    const auto text = registry.Render();
    EXPECT_NE(text.find("x_v{k=\"a\"} +Inf\n"), std::string::npos) << text;
    EXPECT_NE(text.find("x_v{k=\"b\"} -Inf\n"), std::string::npos) << text;
    // prometheus-cpp spells NaN "Nan"; the text format's parsers (promtool's too) read it case-insensitively.
    EXPECT_NE(text.find("x_v{k=\"c\"} Nan\n"), std::string::npos) << text;
    EXPECT_NE(text.find("x_v{k=\"d\"} 1e+20\n"), std::string::npos) << text;
    EXPECT_NE(text.find("x_v{k=\"e\"} -3\n"), std::string::npos) << text;
}

TEST(MetricsRegistryTest, RejectsBadNamesDuplicatesAndWrongLabelCounts) {
    MetricsRegistry registry;
    auto& family = registry.AddCounter("x_total", "help", {"a"});
    EXPECT_THROW(registry.AddGauge("x_total", "again"), std::invalid_argument);
    EXPECT_THROW(registry.AddGauge("1bad", "digit first"), std::invalid_argument);
    EXPECT_THROW(registry.AddGauge("bad-name", "dash"), std::invalid_argument);
    EXPECT_THROW(family.With({}), std::invalid_argument);
    EXPECT_THROW(family.With({"x", "y"}), std::invalid_argument);
}

TEST(MetricsRegistryTest, CollectorsRunBeforeEveryRenderAndClearDropsSeries) {
    MetricsRegistry registry;
    auto& per_campaign = registry.AddGauge("x_campaign", "rows", {"campaign_id"});
    int scrapes = 0;
    registry.AddCollector([&] {
        ++scrapes;
        per_campaign.Clear();
        per_campaign.With({std::to_string(scrapes)}).Set(scrapes);
    });
    registry.Render();
    const auto second = registry.Render();
    EXPECT_EQ(scrapes, 2);
    EXPECT_EQ(second.find("campaign_id=\"1\""), std::string::npos) << second;
    EXPECT_NE(second.find("x_campaign{campaign_id=\"2\"} 2\n"), std::string::npos) << second;
}

TEST(MetricsRegistryTest, ConcurrentIncrementsAreAllCounted) {
    MetricsRegistry registry;
    auto& family = registry.AddCounter("x_total", "help", {"t"});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) {
                family.With({"same"}).Inc();
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(family.With({"same"}).Value(), 40000.0);
}

TEST(MetricsRegistryTest, OpsRoutesServeTheRegistryAsPrometheusText) {
    MetricsRegistry registry;
    registry.AddGauge("x_up", "up").With({}).Set(1);
    OpsRoutes routes(
        "poller", [] { return ReadinessReport{}; }, &registry);
    const auto response = routes.Handle({"GET", "/metrics", "", {}, ""});
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(response.body.find("x_up 1\n"), std::string::npos);
    OpsRoutes without("poller", [] { return ReadinessReport{}; });
    EXPECT_EQ(without.Handle({"GET", "/metrics", "", {}, ""}).status, 404u);
}

TEST(MetricsTest, ProcessSetDeclaresEveryFamilyOnce) {
    const auto text = ProcessMetrics().registry.Render();
    for (const char* name : {"bulkmsg_messages_sent_total", "bulkmsg_provider_request_duration_seconds",
                             "bulkmsg_outbox_rows", "bulkmsg_queue_messages", "bulkmsg_db_connections"}) {
        EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
    }
}

}  // namespace
}  // namespace bulkmsg::app
