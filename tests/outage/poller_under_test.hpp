#pragma once

#include <gtest/gtest.h>
#include <csignal>

#include <set>

#include "support/outbox_fixture.hpp"
#include "support/raw_http.hpp"

namespace bulkmsg::testing {

/// A `bulkmsg poller` process on a test database and test queues, for the outage tests.
class PollerUnderTest {
public:
    PollerUnderTest(MigratedDatabase& db, TestQueues& queues, std::map<std::string, std::string> extra_env = {})
        : db_(db), queues_(queues), port_(FreePort()) {
        auto env = queues.Env();
        env.merge(std::map<std::string, std::string>{
            {"DB_NAME", db.Config().name}, {"METRICS_PORT", std::to_string(port_)}, {"POLL_INTERVAL_MS", "100"}});
        env.merge(extra_env);
        process_ = std::make_unique<ChildProcess>(std::vector<std::string>{BULKMSG_BINARY, "poller"}, BulkmsgEnv(env),
                                                  EmptyWorkDir());
    }

    unsigned Ready() const { return HttpGet(port_, "/ready").status; }
    std::string ReadyBody() const { return HttpGet(port_, "/ready").body; }
    unsigned Live() const { return HttpGet(port_, "/live").status; }
    std::string Output() const { return process_->OutputSoFar(); }

    /// Every outbox row's idempotency key is among the items of the messages in the queue (single objects or
    /// batches; duplicates allowed).
    void ExpectEveryRowInTheQueue(std::size_t rows) {
        std::set<std::string> expected;
        for (const auto& row : db_.Sql().Query("SELECT idempotency_key FROM outbox")) {
            expected.insert(*row[0]);
        }
        std::set<std::string> keys;
        for (const auto& item : queues_.TakeItems(rows, std::chrono::seconds(30))) {
            ASSERT_TRUE(item.message) << item.error;
            keys.insert(item.message->idempotency_key);
        }
        EXPECT_EQ(keys, expected);
    }

    /// SIGTERM: the process must exit 0 and have logged that it recovered from the outage.
    void StopExpectingRecovery() {
        process_->Signal(SIGTERM);
        const auto result = process_->Wait();
        EXPECT_EQ(result.exit_code, 0) << result.output;
        EXPECT_NE(result.output.find("\"msg\":\"recovered\""), std::string::npos);
    }

private:
    MigratedDatabase& db_;
    TestQueues& queues_;
    unsigned short port_;
    std::unique_ptr<ChildProcess> process_;
};

}  // namespace bulkmsg::testing
