// One trace across the processes as deployed: an API request with a traceparent, `bulkmsg api`, `bulkmsg poller`
// (preparation and publish), `bulkmsg consumer` (consume and provider call), each exporting OTLP/HTTP JSON to a small
// receiver in this test.
#include <gtest/gtest.h>

#include <csignal>
#include <mutex>
#include <nlohmann/json.hpp>

#include "adapters/http/http_server.hpp"
#include "support/outbox_fixture.hpp"
#include "support/provider_sim.hpp"
#include "support/raw_http.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;

struct ReceivedSpan {
    std::string role, name, trace_id, span_id, parent_span_id;
    int kind = 0;
};

/// Accepts POST /v1/traces and keeps every span with the bulkmsg.role of its resource.
class OtlpReceiver {
public:
    OtlpReceiver() : server_({"127.0.0.1", 0, 1, 16 << 20}, [this](const app::HttpRequest& r) { return Take(r); }) {
        server_.Start();
    }
    std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(server_.Port()); }
    std::vector<ReceivedSpan> Spans() {
        std::lock_guard lock(mutex_);
        return spans_;
    }

private:
    app::HttpResponse Take(const app::HttpRequest& request) {
        if (request.method != "POST" || request.path != "/v1/traces" ||
            request.headers.at("content-type") != "application/json") {
            return app::JsonResponse(400, {{"error", "expected an OTLP JSON export"}});
        }
        const auto body = nlohmann::json::parse(request.body);
        std::lock_guard lock(mutex_);
        for (const auto& resource : body.at("resourceSpans")) {
            std::string role;
            for (const auto& attribute : resource.at("resource").at("attributes")) {
                if (attribute.at("key") == "bulkmsg.role") {
                    role = attribute.at("value").at("stringValue");
                }
            }
            for (const auto& scope : resource.at("scopeSpans")) {
                for (const auto& s : scope.at("spans")) {
                    spans_.push_back({role, s.at("name"), s.at("traceId"), s.at("spanId"), s.value("parentSpanId", ""),
                                      s.at("kind").get<int>()});
                }
            }
        }
        return app::JsonResponse(200, nlohmann::json::object());
    }

    std::mutex mutex_;
    std::vector<ReceivedSpan> spans_;
    http::HttpServer server_;
};

TEST(TracingAcrossProcessesTest, OneTraceLinksTheApiRequestToEveryProviderCall) {
    testing::MigratedDatabase db;
    testing::TestQueues queues;
    testing::ProviderSimProcess sim;
    OtlpReceiver receiver;
    const auto api_port = testing::FreePort();
    auto env = queues.Env();
    for (const auto& [k, v] : sim.ClientEnv()) {
        env[k] = v;
    }
    env.merge(std::map<std::string, std::string>{{"DB_NAME", db.Config().name},
                                                 {"EXPRESS_APP_PORT", std::to_string(api_port)},
                                                 {"POLL_INTERVAL_MS", "100"},
                                                 {"OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Endpoint()},
                                                 {"LOG_LEVEL", "warn"}});
    const auto key_output = testing::RunBulkmsg({"apikey", "create", "--name", "tracing"}, env).output;
    const auto key = key_output.substr(key_output.rfind("bmk_"), 68);
    std::vector<std::unique_ptr<testing::ChildProcess>> processes;
    for (const std::string role : {"api", "poller", "consumer"}) {
        auto process_env = env;
        process_env["METRICS_PORT"] = std::to_string(testing::FreePort());
        processes.push_back(std::make_unique<testing::ChildProcess>(
            std::vector<std::string>{BULKMSG_BINARY, role}, testing::BulkmsgEnv(process_env), testing::EmptyWorkDir()));
    }
    ASSERT_TRUE(testing::WaitUntil([&] { return testing::HttpGet(api_port, "/live").status == 200; }, 10s, 50ms));

    const auto call = [&](const std::string& path, const std::string& body, const std::string& type,
                          const std::string& extra = "") {
        return testing::SendRawHttp(api_port, "POST " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" +
                                                  "Authorization: Bearer " + key + "\r\nContent-Type: " + type +
                                                  "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
                                                  extra + "\r\n" + body);
    };
    const auto created =
        call("/api/v1/campaigns", R"({"name":"Traced","kind":"email","template":{"subject":"Hi","text":"Hello"}})",
             "application/json");
    ASSERT_EQ(created.status, 201u) << created.body;
    const auto path = "/api/v1/campaigns/" + std::to_string(nlohmann::json::parse(created.body)["id"].get<int>());
    std::string csv = "user_ref\n";
    for (int i = 0; i < 20; ++i) {
        csv += "user" + std::to_string(i) + "@example.com\n";
    }
    ASSERT_EQ(call(path + "/targets", csv, "text/csv").status, 200u);
    const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    const auto prepared =
        call(path + "/prepare", "", "application/json", "traceparent: 00-" + trace_id + "-00f067aa0ba902b7-01\r\n");
    ASSERT_EQ(prepared.status, 202u) << prepared.body;
    ASSERT_TRUE(testing::WaitUntil([&] { return db.Count("status='sent'") == 20; }, 60s));
    for (auto& process : processes) {
        process->Signal(SIGTERM);  // each exporter sends what it still holds on the way out
        EXPECT_EQ(process->Wait().exit_code, 0);
    }

    std::map<std::string, ReceivedSpan> by_id;
    std::map<std::string, std::vector<ReceivedSpan>> by_name;
    for (const auto& span : receiver.Spans()) {
        if (span.trace_id == trace_id) {
            by_id[span.span_id] = span;
            by_name[span.role + " " + span.name].push_back(span);
        }
    }
    const auto& server = by_name["api POST " + path + "/prepare"];
    ASSERT_EQ(server.size(), 1u);
    EXPECT_EQ(server[0].parent_span_id, "00f067aa0ba902b7");
    EXPECT_EQ(server[0].kind, 2);
    const auto& batches = by_name["poller prepare batch"];
    ASSERT_EQ(batches.size(), 1u);
    EXPECT_EQ(batches[0].parent_span_id, server[0].span_id);
    ASSERT_EQ(by_name["poller publish"].size(), 20u);
    for (const auto& publish : by_name["poller publish"]) {
        EXPECT_EQ(publish.parent_span_id, batches[0].span_id);
    }
    ASSERT_EQ(by_name["consumer consume"].size(), 20u);
    for (const auto& consume : by_name["consumer consume"]) {
        ASSERT_TRUE(by_id.contains(consume.parent_span_id));
        EXPECT_EQ(by_id[consume.parent_span_id].name, "publish");
    }
    ASSERT_EQ(by_name["consumer provider sendgrid"].size(), 20u);
    for (const auto& provider_call : by_name["consumer provider sendgrid"]) {
        EXPECT_EQ(provider_call.kind, 3);
        EXPECT_EQ(by_id[provider_call.parent_span_id].name, "consume");
    }
}

}  // namespace
}  // namespace bulkmsg
