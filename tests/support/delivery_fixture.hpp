#pragma once

// The whole delivery path on the real stack: this test's database, queues and provider simulator, `bulkmsg poller`
// and `bulkmsg consumer` started against them, and outbox rows of each channel.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <memory>
#include <string>

#include "support/outbox_fixture.hpp"
#include "support/process.hpp"
#include "support/provider_sim.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg::testing {

class DeliveryFixture : public ::testing::Test {
protected:
    /// Starts `bulkmsg <role>` against this test's database, queues and simulator.
    std::unique_ptr<ChildProcess> Start(const std::string& role, std::map<std::string, std::string> extra = {}) {
        auto env = queues_.Env();
        for (const auto& [k, v] : sim_.ClientEnv()) {
            env[k] = v;
        }
        env.merge(std::map<std::string, std::string>{{"DB_NAME", db_.Config().name},
                                                     {"METRICS_PORT", std::to_string(testing::FreePort())},
                                                     {"POLL_INTERVAL_MS", "100"},
                                                     {"RETRY_DELAY_SECONDS", "1"},
                                                     {"LOG_LEVEL", "warn"}});
        for (auto& [k, v] : extra) {
            env[k] = v;
        }
        return std::make_unique<ChildProcess>(std::vector<std::string>{BULKMSG_BINARY, role}, testing::BulkmsgEnv(env),
                                              testing::EmptyWorkDir());
    }

    /// Inserts `count` rows of `channel` into `campaign`: email, sms, fcm (push) or apns (push, hex tokens).
    /// `user` is an SQL expression of `seq` for the recipient.
    void Insert(std::uint64_t campaign, const std::string& channel, std::uint64_t count, std::string user = "") {
        std::string kind = channel == "fcm" || channel == "apns" ? "push" : channel;
        std::string payload;
        if (channel == "email") {
            user = user.empty() ? "CONCAT('user', seq, '@example.com')" : user;
            payload = "JSON_OBJECT('to', u, 'from', 'news@example.com', 'subject', 'Hi', 'text', 'Hello')";
        } else if (channel == "sms") {
            user = user.empty() ? "CONCAT('+1415', LPAD(seq, 7, '0'))" : user;
            payload = "JSON_OBJECT('to', u, 'from', '+15005550006', 'body', 'Hello')";
        } else {
            user = !user.empty()      ? user
                   : channel == "fcm" ? "CONCAT('fcm-token-', seq, REPEAT('x', 40))"
                                      : "LPAD(LOWER(HEX(seq)), 64, '0')";
            payload = "JSON_OBJECT('token', u, 'title', 'Hi', 'body', 'Hello')";
        }
        db_.Sql().Execute("INSERT INTO outbox (campaign_id, user_ref, kind, payload, idempotency_key) SELECT " +
                          std::to_string(campaign) + ", u, '" + kind + "', " + payload + ", SHA2(CONCAT(" +
                          std::to_string(campaign) + ", ':', u, ':" + kind + "'), 256) FROM (SELECT seq, " + user +
                          " AS u FROM seq_1_to_" + std::to_string(count) + ") t");
    }

    bool WaitForStatus(const std::string& status, std::uint64_t count, std::chrono::seconds timeout) {
        return testing::WaitUntil([&] { return db_.Count("status='" + status + "'") >= count; }, timeout,
                                  std::chrono::milliseconds(200));
    }

    static void Stop(std::unique_ptr<ChildProcess>& process) {
        process->Signal(SIGTERM);
        const auto result = process->Wait();
        EXPECT_EQ(result.exit_code, 0) << result.output.substr(0, 4000);
    }

    testing::MigratedDatabase db_;
    testing::TestQueues queues_;
    testing::ProviderSimProcess sim_;
};

}  // namespace bulkmsg::testing
