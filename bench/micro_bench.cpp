// Micro-benchmarks of the per-message hot paths, with Google Benchmark: template rendering, provider payload
// building, idempotency-key hashing, the queue message's JSON, and the batched outcome SQL.
// Run: build/bench/bulkmsg_micro_bench --benchmark_out=bench/results/micro.json --benchmark_out_format=json
#include <benchmark/benchmark.h>

#include "adapters/mysql/mysql_delivery_store.hpp"
#include "domain/message_renderer.hpp"
#include "domain/providers/apns_protocol.hpp"
#include "domain/providers/sendgrid_protocol.hpp"
#include "domain/providers/twilio_protocol.hpp"
#include "domain/queue_message.hpp"
#include "domain/target.hpp"

namespace bulkmsg {
namespace {

const std::string kKey = domain::IdempotencyKey(42, "user1@example.com", domain::Channel::kEmail);

domain::Target EmailTarget() {
    domain::Target target;
    target.user_ref = "user1@example.com";
    target.metadata = {{"name", "Ada Lovelace"}, {"city", "London"}, {"plan", "pro"}};
    return target;
}

void BM_RenderEmailPayload(benchmark::State& state) {
    domain::CampaignContent content;
    content.id = 42;
    content.subject = "Hello {{name}}, news for {{city}}";
    content.text = "Dear {{name}},\nYour {{plan}} plan renews soon.{{#city}} See you in {{city}}.{{/city}}";
    content.html = "<p>Dear <b>{{name}}</b>, your {{plan}} plan renews soon.</p>";
    domain::MessageRenderer renderer(content, {"news@example.com", "+15005550006"});
    const auto target = EmailTarget();
    for (auto _ : state) {
        benchmark::DoNotOptimize(renderer.Payload(target, 1));
    }
}
BENCHMARK(BM_RenderEmailPayload);

domain::OutboundMessage Message(domain::Channel kind, nlohmann::json payload, std::string user_ref) {
    return {7,
            42,
            kKey,
            kind,
            std::move(user_ref),
            std::move(payload),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"};
}

void BM_BuildSendgridRequest(benchmark::State& state) {
    const auto message = Message(domain::Channel::kEmail,
                                 {{"to", "user1@example.com"},
                                  {"from", "news@example.com"},
                                  {"subject", "Hello Ada"},
                                  {"text", "Dear Ada, your plan renews soon."},
                                  {"html", "<p>Dear <b>Ada</b></p>"}},
                                 "user1@example.com");
    const domain::SendgridSettings settings{"https://sendgrid.example", "SG.key", "News"};
    for (auto _ : state) {
        benchmark::DoNotOptimize(domain::BuildSendgridRequest(message, settings));
    }
}
BENCHMARK(BM_BuildSendgridRequest);

void BM_BuildTwilioRequest(benchmark::State& state) {
    const auto message =
        Message(domain::Channel::kSms,
                {{"to", "+14155550100"}, {"from", "+15005550006"}, {"body", "Your code is 1234"}}, "+14155550100");
    const domain::TwilioSettings settings{"https://twilio.example", "ACsid", "token", "", ""};
    for (auto _ : state) {
        benchmark::DoNotOptimize(domain::BuildTwilioRequest(message, settings));
    }
}
BENCHMARK(BM_BuildTwilioRequest);

void BM_BuildApnsRequest(benchmark::State& state) {
    const std::string token(64, 'a');
    const auto message =
        Message(domain::Channel::kPush,
                {{"token", token}, {"title", "Hi Ada"}, {"body", "News"}, {"data", {{"k", "v"}}}}, token);
    const domain::ApnsSettings settings{"https://apns.example", "com.example.app", 3600};
    const auto now = domain::Clock::now();
    for (auto _ : state) {
        benchmark::DoNotOptimize(domain::BuildApnsRequest(message, settings, "provider.jwt.token", now));
    }
}
BENCHMARK(BM_BuildApnsRequest);

void BM_IdempotencyKey(benchmark::State& state) {
    std::uint64_t campaign = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(domain::IdempotencyKey(++campaign, "user1@example.com", domain::Channel::kEmail));
    }
}
BENCHMARK(BM_IdempotencyKey);

void BM_EncodeQueueMessage(benchmark::State& state) {
    const domain::QueueMessage message{7, kKey, 42, "user1@example.com", "email", 0, {}};
    for (auto _ : state) {
        benchmark::DoNotOptimize(domain::EncodeQueueMessage(message));
    }
}
BENCHMARK(BM_EncodeQueueMessage);

void BM_DecodeQueueMessage(benchmark::State& state) {
    const auto body = domain::EncodeQueueMessage({7, kKey, 42, "user1@example.com", "email", 0, {}});
    for (auto _ : state) {
        benchmark::DoNotOptimize(domain::DecodeQueueMessage(body));
    }
}
BENCHMARK(BM_DecodeQueueMessage);

/// SQL string literals for the benchmark (the store quotes through the connection).
class BenchEscaper final : public mysql::SqlEscaper {
public:
    void AppendQuoted(std::string& out, std::string_view value) override {
        out += '\'';
        for (const char c : value) {
            if (c == '\'' || c == '\\') {
                out += '\\';
            }
            out += c;
        }
        out += '\'';
    }
};

// One flush of `rows` outcomes (9 in 10 sent, the rest retrying), as the consumer writes them.
void BM_OutcomeUpdates(benchmark::State& state) {
    const auto now = domain::Clock::now();
    std::vector<domain::DeliveryOutcome> outcomes(static_cast<std::size_t>(state.range(0)));
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        auto& o = outcomes[i];
        o.outbox_id = 1'000'000 + i;
        o.campaign_id = 42;
        o.status = i % 10 == 9 ? domain::OutboxStatus::kRetrying : domain::OutboxStatus::kSent;
        o.attempts = 1;
        o.available_at = now;
        o.provider_msg_id = o.status == domain::OutboxStatus::kSent ? "SG.msg." + std::to_string(i) : "";
        o.last_error = o.status == domain::OutboxStatus::kSent ? "" : "sendgrid 503: service unavailable";
        o.claim_token = 0x9e3779b97f4a7c15ULL + i;
    }
    BenchEscaper escaper;
    for (auto _ : state) {
        benchmark::DoNotOptimize(mysql::OutcomeUpdates(outcomes, now, escaper));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_OutcomeUpdates)->Arg(100)->Arg(500);

}  // namespace
}  // namespace bulkmsg

BENCHMARK_MAIN();
