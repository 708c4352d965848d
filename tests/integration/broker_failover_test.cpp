// RABBITMQ_HOSTS on the real stack: the first listed broker is down from the start (nothing listens on its port),
// and `bulkmsg api`, `bulkmsg poller` and `bulkmsg consumer` start, deliver a campaign and report the second.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "support/outbox_fixture.hpp"
#include "support/provider_sim.hpp"
#include "support/raw_http.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;

/// The stack's broker (as .env configures it), the second of the two endpoints.
const std::string kLiveBroker = testing::StackConfig().rabbitmq.endpoints.front().Name();

/// The value of the sample `series` (name with its labels, exactly as exposed), or -1 when absent.
double Sample(const std::string& exposition, const std::string& series) {
    const auto at = exposition.find("\n" + series + " ");
    return at == std::string::npos ? -1 : std::stod(exposition.substr(at + series.size() + 2));
}

class BrokerFailoverTest : public ::testing::Test {
protected:
    BrokerFailoverTest() : dead_broker_("127.0.0.1:" + std::to_string(testing::FreePort())) {
        env_ = queues_.Env();
        env_.merge(sim_.ClientEnv());
        env_["DB_NAME"] = db_.Config().name;
        env_["RABBITMQ_HOSTS"] = dead_broker_ + "," + kLiveBroker;
        env_["POLL_INTERVAL_MS"] = "100";
        env_["LOG_LEVEL"] = "warn";
    }

    /// Starts `bulkmsg <role>` with its ops endpoints (/ready, /metrics) on `port`.
    std::unique_ptr<testing::ChildProcess> Start(const std::string& role, unsigned short port) {
        auto env = env_;
        env[role == "api" ? "EXPRESS_APP_PORT" : "METRICS_PORT"] = std::to_string(port);
        return std::make_unique<testing::ChildProcess>(std::vector<std::string>{BULKMSG_BINARY, role},
                                                       testing::BulkmsgEnv(env), testing::EmptyWorkDir());
    }

    /// An authenticated API request; `body` is sent with `type`.
    testing::RawHttpResponse Post(unsigned short port, const std::string& key, const std::string& path,
                                  const std::string& body, const std::string& type) {
        return testing::SendRawHttp(port, "POST " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" +
                                              "Authorization: Bearer " + key + "\r\nContent-Type: " + type +
                                              "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    }

    testing::MigratedDatabase db_;
    testing::TestQueues queues_;
    testing::ProviderSimProcess sim_;
    std::string dead_broker_;
    std::map<std::string, std::string> env_;
};

TEST_F(BrokerFailoverTest, WithTheFirstHostDownEveryRoleStartsAndDeliversOnTheSecond) {
    const auto key_output = testing::RunBulkmsg({"apikey", "create", "--name", "failover"}, env_).output;
    const auto key = key_output.substr(key_output.rfind("bmk_"), 68);
    const std::map<std::string, unsigned short> ports = {
        {"api", testing::FreePort()}, {"poller", testing::FreePort()}, {"consumer", testing::FreePort()}};
    std::map<std::string, std::unique_ptr<testing::ChildProcess>> processes;
    for (const auto& [role, port] : ports) {
        processes[role] = Start(role, port);
    }
    for (const auto& [role, port] : ports) {
        ASSERT_TRUE(testing::WaitUntil([&] { return testing::HttpGet(port, "/ready").status == 200; }, 20s, 100ms))
            << role << ": " << processes[role]->OutputSoFar().substr(0, 4000);
        const auto ready = nlohmann::json::parse(testing::HttpGet(port, "/ready").body);
        EXPECT_EQ(ready["checks"]["rabbitmq"], (nlohmann::json{{"ok", true}, {"endpoint", kLiveBroker}})) << role;
    }

    const auto api = ports.at("api");
    const auto created =
        Post(api, key, "/api/v1/campaigns",
             R"({"name":"Failover","kind":"email","template":{"subject":"Hi","text":"Hello"}})", "application/json");
    ASSERT_EQ(created.status, 201u) << created.body;
    const auto path = "/api/v1/campaigns/" + std::to_string(nlohmann::json::parse(created.body)["id"].get<int>());
    std::string csv = "user_ref\n";
    for (int i = 0; i < 30; ++i) {
        csv += "failover" + std::to_string(i) + "@example.com\n";
    }
    ASSERT_EQ(Post(api, key, path + "/targets", csv, "text/csv").status, 200u);
    ASSERT_EQ(Post(api, key, path + "/prepare", "", "application/json").status, 202u);
    ASSERT_TRUE(testing::WaitUntil([&] { return db_.Count("status='sent'") == 30; }, 60s))
        << processes["consumer"]->OutputSoFar().substr(0, 4000);
    EXPECT_EQ(db_.Count("status<>'sent' OR provider_msg_id IS NULL"), 0u);
    EXPECT_EQ(sim_.Stats(true)["distinct_keys"], 30);

    for (const std::string role : {"poller", "consumer"}) {
        const auto metrics = testing::HttpGet(ports.at(role), "/metrics").body;
        EXPECT_GE(Sample(metrics, "bulkmsg_broker_connections{endpoint=\"" + kLiveBroker + "\"}"), 1) << role;
        EXPECT_EQ(metrics.find("endpoint=\"" + dead_broker_ + "\""), std::string::npos) << role;
        EXPECT_EQ(Sample(metrics, "bulkmsg_broker_failovers_total"), 0) << role << ": the first connection is none";
    }
    for (auto& [role, process] : processes) {
        process->Signal(SIGTERM);
        EXPECT_EQ(process->Wait().exit_code, 0) << role;
    }
}

}  // namespace
}  // namespace bulkmsg
