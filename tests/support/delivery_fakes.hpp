#pragma once

// In-memory ports of a DeliveryWorker and a fixture that wires them, for the worker's unit tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "app/delivery_worker.hpp"
#include "domain/queue_batch.hpp"
#include "support/fake_clock.hpp"

namespace bulkmsg::app {

class FakeQueue final : public DeliveryQueue {
public:
    std::vector<Delivery> Receive(std::size_t max, std::chrono::milliseconds) override {
        ++receives;
        std::vector<Delivery> out;
        while (!ready.empty() && out.size() < max) {
            out.push_back(ready.front());
            ready.pop_front();
        }
        return out;
    }
    void Ack(std::vector<std::uint64_t> tags) override { acked.insert(acked.end(), tags.begin(), tags.end()); }
    void Requeue(const std::vector<std::uint64_t>& tags) override {
        requeued.insert(requeued.end(), tags.begin(), tags.end());
    }
    void DeadLetter(const std::string& body, const std::string& reason) override {
        dead_letters.emplace_back(body, reason);
    }
    void StopConsuming() override { stopped = true; }

    void Add(std::uint64_t outbox_id) {
        ready.push_back({next_tag++,
                         domain::EncodeQueueMessage({outbox_id, "key" + std::to_string(outbox_id), 1, "u", "email"}),
                         ""});
    }

    /// One batch message (a JSON array) of these rows, as the poller publishes them with QUEUE_BATCH_SIZE > 1.
    void AddBatch(const std::vector<std::uint64_t>& outbox_ids, const std::string& traceparent = "") {
        std::vector<domain::QueueMessage> items;
        for (auto id : outbox_ids) {
            items.push_back({id, "key" + std::to_string(id), 1, "u", "email", 1, traceparent});
        }
        ready.push_back({next_tag++, domain::EncodeQueueBatch(items), ""});
    }

    std::deque<Delivery> ready;
    std::vector<std::uint64_t> acked, requeued;
    std::vector<std::pair<std::string, std::string>> dead_letters;
    std::uint64_t next_tag = 1;
    unsigned receives = 0;
    bool stopped = false;
};

class FakeStore final : public DeliveryStore {
public:
    static constexpr std::uint64_t kTokenBase = 7000;
    std::vector<ClaimVerdict> Claim(const std::vector<ClaimRequest>& requests, domain::TimePoint,
                                    std::chrono::seconds) override {
        if (fail_claims > 0) {
            --fail_claims;
            throw std::runtime_error("database unavailable");
        }
        claim_sizes.push_back(requests.size());
        std::vector<ClaimVerdict> out;
        for (const auto& r : requests) {
            ClaimVerdict v;
            if (r.outbox_id == 0 || r.outbox_id > 1000) {
                v.reason = "unknown outbox id";
            } else if (done.contains(r.outbox_id)) {
                v.kind = ClaimVerdict::Kind::kDone;
            } else if (paused.contains(r.outbox_id)) {
                v.kind = ClaimVerdict::Kind::kPaused;
            } else {
                v.kind = ClaimVerdict::Kind::kDeliver;
                v.message.outbox_id = r.outbox_id;
                v.message.campaign_id = 1;
                v.message.idempotency_key = r.idempotency_key;
                v.message.kind = domain::Channel::kEmail;
                v.message.user_ref = "u" + std::to_string(r.outbox_id) + "@example.com";
                v.taken_over = sending.contains(r.outbox_id);
                v.claim_token = kTokenBase + r.outbox_id;
            }
            out.push_back(std::move(v));
        }
        return out;
    }
    void Record(const std::vector<domain::DeliveryOutcome>& outcomes, const std::vector<domain::OutboundMessage>&,
                domain::TimePoint) override {
        if (fail_records > 0) {
            --fail_records;
            throw std::runtime_error("database unavailable");
        }
        for (const auto& o : outcomes) {
            recorded.push_back(o);
        }
    }
    void Release(const std::vector<HeldRow>& rows) override {
        for (const auto& row : rows) {
            EXPECT_EQ(row.claim_token, kTokenBase + row.outbox_id) << "released under another claim's token";
            released.push_back(row.outbox_id);
        }
    }

    std::set<std::uint64_t> done;
    std::set<std::uint64_t> paused;        // rows of a paused campaign
    std::vector<std::size_t> claim_sizes;  // requests per Claim call
    std::set<std::uint64_t> sending;       // rows another worker held ('sending' past the lease)
    std::vector<domain::DeliveryOutcome> recorded;
    std::vector<std::uint64_t> released;
    unsigned fail_claims = 0, fail_records = 0;
};

class FakeMarkers final : public SentMarkers {
public:
    std::vector<std::optional<std::string>> Find(const std::vector<std::string>& keys) override {
        if (unavailable) {
            throw std::runtime_error("Redis unavailable");
        }
        ++finds;
        std::vector<std::optional<std::string>> out;
        for (const auto& k : keys) {
            out.push_back(marks.contains(k) ? std::optional(marks.at(k)) : std::nullopt);
        }
        return out;
    }
    void Mark(const std::vector<std::pair<std::string, std::string>>& pairs) override {
        for (const auto& [k, v] : pairs) {
            marks.emplace(k, v);
        }
    }
    std::map<std::string, std::string> marks;
    bool unavailable = false;
    unsigned finds = 0;
};

class FakeLimiter final : public RateLimiter {
public:
    std::size_t Acquire(const std::string&, double, std::size_t wanted, domain::TimePoint) override {
        ++calls;
        if (unavailable) {
            throw std::runtime_error("cannot connect to Redis");
        }
        const auto got = std::min(wanted, tokens_per_call);
        granted += got;
        return got;
    }
    void Hold(const std::string& provider, domain::TimePoint until) override { holds[provider] = until; }
    std::optional<domain::TimePoint> HeldUntil(const std::string&, domain::TimePoint) override { return std::nullopt; }
    std::size_t tokens_per_call = 1000;
    std::size_t granted = 0;
    std::size_t calls = 0;
    bool unavailable = false;
    std::map<std::string, domain::TimePoint> holds;
};

/// A provider whose requests the test answers.
class ManualProvider final : public MessageProvider {
public:
    void Send(const domain::OutboundMessage& m, Done done) override { pending.emplace_back(m, std::move(done)); }
    std::string_view Name() const override { return "sendgrid"; }
    void AnswerAll(const domain::SendResult& result) {
        auto answering = std::move(pending);
        pending.clear();
        for (auto& [m, done] : answering) {
            done(result);
        }
    }
    /// Answers the pending request of `outbox_id` only.
    void Answer(std::uint64_t outbox_id, const domain::SendResult& result) {
        const auto it =
            std::find_if(pending.begin(), pending.end(), [&](const auto& p) { return p.first.outbox_id == outbox_id; });
        ASSERT_NE(it, pending.end()) << outbox_id << " is not in flight";
        auto done = std::move(it->second);
        pending.erase(it);
        done(result);
    }
    std::vector<std::pair<domain::OutboundMessage, Done>> pending;
};

class NullTransport final : public HttpTransport {
public:
    void Submit(domain::ProviderRequest, Done) override {}
    void Poll(std::chrono::milliseconds) override {}
    std::size_t InFlight() const override { return 0; }
};

class DeliveryWorkerFixture : public ::testing::Test {
protected:
    DeliveryWorkerFixture() {
        auto provider = std::make_unique<ManualProvider>();
        provider_ = provider.get();
        router_ = std::make_unique<ProviderRouter>(std::move(provider), nullptr, nullptr);
    }
    /// Claims at once and writes after 5 ms unless the test says otherwise.
    DeliveryWorker Worker(DeliveryWorkerOptions options = {}) {
        options.retry = {3, std::chrono::seconds(300), false};
        options.claim_interval = std::chrono::milliseconds(0);
        options.flush_interval = std::chrono::milliseconds(5);
        return DeliveryWorker(options, queue_, store_, markers_, limiter_, *router_, transport_, clock_, random_);
    }
    /// A worker whose email channel gets one rate token per request: one message goes out, the others wait.
    DeliveryWorker ThrottledWorker() {
        limiter_.tokens_per_call = 1;
        DeliveryWorkerOptions options;
        options.rate_per_second[domain::Channel::kEmail] = 1;
        return Worker(options);
    }

    FakeQueue queue_;
    FakeStore store_;
    FakeMarkers markers_;
    FakeLimiter limiter_;
    ManualProvider* provider_ = nullptr;
    std::unique_ptr<ProviderRouter> router_;
    NullTransport transport_;
    testing::FakeClock clock_;
    testing::FakeRandom random_;
};

}  // namespace bulkmsg::app
