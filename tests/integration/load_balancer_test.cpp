// Two `bulkmsg api` processes behind HAProxy, started by `scripts/stack lb up` on the real stack: whatever one
// process stored (campaigns, targets, idempotency keys, rate-limit tokens, the progress cache) the other one sees,
// because all of it lives in MySQL or Redis. Requests go to each process directly (api1, api2) and through HAProxy,
// whose X-Bulkmsg-Backend response header names the process that answered.
#include <gtest/gtest.h>

#include <array>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "support/outbox_fixture.hpp"
#include "support/raw_http.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;

struct Reply {
    unsigned status = 0;
    std::string backend;  // X-Bulkmsg-Backend, "" when the process was reached directly
    std::string cookie;   // the Set-Cookie value up to its first attribute ("bulkmsg_session=…"), or ""
    nlohmann::json body;
};

/// Parses the bytes of one HTTP/1.1 response (read until the server closed the connection).
Reply ParseReply(const std::string& raw) {
    Reply reply;
    std::smatch m;
    if (std::regex_search(raw, m, std::regex(R"(^HTTP/1\.1 (\d{3}))"))) {
        reply.status = static_cast<unsigned>(std::stoi(m[1]));
    }
    if (std::regex_search(raw, m, std::regex(R"(\r\n[Xx]-[Bb]ulkmsg-[Bb]ackend: *(\S+)\r\n)"))) {
        reply.backend = m[1];
    }
    if (std::regex_search(raw, m, std::regex(R"(\r\n[Ss]et-[Cc]ookie: *([^;\r]+))"))) {
        reply.cookie = m[1];
    }
    const auto body = raw.find("\r\n\r\n");
    reply.body = nlohmann::json::parse(body == std::string::npos ? "" : raw.substr(body + 4), nullptr, false);
    return reply;
}

class LoadBalancerTest : public ::testing::Test {
protected:
    ~LoadBalancerTest() override { testing::RunStackScript({"lb", "down"}, env_); }

    /// `scripts/stack lb up` in a stack directory of its own, on free ports, against this test's database and
    /// queues, with API_RATE_LIMIT_PER_SEC=`rate_limit`.
    void Up(const std::string& rate_limit) {
        env_ = queues_.Env();
        env_["DB_NAME"] = db_.Config().name;
        env_["API_RATE_LIMIT_PER_SEC"] = rate_limit;
        env_["LOG_LEVEL"] = "warn";
        env_ = testing::BulkmsgEnv(env_);
        env_["STACK_DIR"] = testing::EmptyWorkDir() + "/stack";
        env_["STACK_LB_PORT"] = std::to_string(lb_);
        env_["STACK_LB_API_PORT"] = std::to_string(api_[0]);
        env_["STACK_LB_API2_PORT"] = std::to_string(api_[1]);
        env_["BULKMSG_BIN"] = BULKMSG_BINARY;
        const auto up = testing::RunStackScript({"lb", "up"}, env_);
        ASSERT_EQ(up.exit_code, 0) << up.output;
        const auto created = testing::RunBulkmsg({"apikey", "create", "--name", "lb"}, env_);
        ASSERT_EQ(created.exit_code, 0) << created.output;
        key_ = created.output.substr(created.output.rfind("bmk_"), 68);
        ASSERT_TRUE(testing::WaitUntil([&] { return BackendsUp() == 2; }, 20s)) << Status();
    }

    /// A request with the API key.
    Reply Call(unsigned short port, const std::string& method, const std::string& path, const std::string& body = "",
               const std::string& extra_headers = "") {
        return Send(port, method, path, body, "Authorization: Bearer " + key_ + "\r\n" + extra_headers);
    }
    /// A request with only the given headers (a dashboard session's cookie and CSRF token, say).
    static Reply Send(unsigned short port, const std::string& method, const std::string& path, const std::string& body,
                      const std::string& headers) {
        return ParseReply(testing::SendRawHttpUntilClose(
            port, method + " " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" + headers +
                      "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                      body));
    }

    std::string Status() { return testing::RunStackScript({"lb", "status"}, env_).output; }
    /// Servers HAProxy's health checks (/ready) consider UP.
    std::size_t BackendsUp() {
        static const std::regex up(R"(api\d: UP \(HAProxy\))");
        const auto status = Status();
        return static_cast<std::size_t>(
            std::distance(std::sregex_iterator(status.begin(), status.end(), up), std::sregex_iterator()));
    }

    testing::MigratedDatabase db_;
    testing::TestQueues queues_;
    std::map<std::string, std::string> env_;
    std::string key_;
    unsigned short lb_ = testing::FreePort();
    // Two ports each found free (the port after a free one may be another connection's).
    std::array<unsigned short, 2> api_ = [] {
        const auto first = testing::FreePort();
        auto second = testing::FreePort();
        while (second == first) {
            second = testing::FreePort();
        }
        return std::array<unsigned short, 2>{first, second};
    }();
};

const std::string kCampaign = R"({"name":"Behind HAProxy","kind":"email","template":{"subject":"Hi","text":"Yo"}})";

TEST_F(LoadBalancerTest, RequestsAlternatingBetweenTheTwoProcessesSeeOneState) {
    Up("1000");
    // HAProxy alternates, and each process's /ready names the broker endpoint it reached.
    std::set<std::string> backends;
    for (int i = 0; i < 2; ++i) {
        const auto ready = Call(lb_, "GET", "/ready");
        EXPECT_EQ(ready.status, 200u);
        EXPECT_TRUE(ready.body["checks"]["rabbitmq"]["endpoint"].is_string()) << ready.body;
        backends.insert(ready.backend);
    }
    EXPECT_EQ(backends, (std::set<std::string>{"api1", "api2"}));

    // Created on api1; api2 replays the Idempotency-Key, refuses it with another body, and shows the campaign.
    const auto created = Call(api_[0], "POST", "/api/v1/campaigns", kCampaign, "Idempotency-Key: lb-1\r\n");
    ASSERT_EQ(created.status, 201u) << created.body;
    const auto replay = Call(api_[1], "POST", "/api/v1/campaigns", kCampaign, "Idempotency-Key: lb-1\r\n");
    EXPECT_EQ(replay.status, 200u) << replay.body;
    EXPECT_EQ(replay.body["id"], created.body["id"]);
    const auto other = std::regex_replace(kCampaign, std::regex("Yo"), "Other");
    const auto conflict = Call(api_[1], "POST", "/api/v1/campaigns", other, "Idempotency-Key: lb-1\r\n");
    EXPECT_EQ(conflict.status, 409u) << conflict.body;
    EXPECT_EQ(conflict.body["error"]["code"], "idempotency_conflict");
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaigns"), "1");
    const auto path = "/api/v1/campaigns/" + std::to_string(created.body["id"].get<int>());

    // Targets added on api2; api1's progress counts them, and both serve the same cached progress.
    const auto added = Call(api_[1], "POST", path + "/targets",
                            R"([{"user_ref":"a@example.com"},{"user_ref":"b@example.com"},{"user_ref":"c@x.org"}])");
    ASSERT_EQ(added.status, 200u) << added.body;
    const auto progress1 = Call(api_[0], "GET", path + "/progress");
    const auto progress2 = Call(api_[1], "GET", path + "/progress");
    ASSERT_EQ(progress1.status, 200u) << progress1.body;
    EXPECT_EQ(progress1.body["targets"], 3);
    EXPECT_EQ(progress2.body, progress1.body) << "api2 should serve api1's cached progress";

    // Through HAProxy: round-robin over both processes, every answer the same campaign.
    std::map<std::string, int> answered;
    for (int i = 0; i < 6; ++i) {
        const auto shown = Call(lb_, "GET", path);
        ASSERT_EQ(shown.status, 200u) << shown.body;
        EXPECT_EQ(shown.body["name"], "Behind HAProxy");
        EXPECT_EQ(shown.body["progress"]["targets"], 3);
        ++answered[shown.backend];
    }
    EXPECT_EQ(answered, (std::map<std::string, int>{{"api1", 3}, {"api2", 3}}));
}

TEST_F(LoadBalancerTest, TheRateLimitIsOneBucketForBothProcesses) {
    Up("4");
    // One bucket holds 4 tokens (one second's worth); two per-process buckets would let 8 through.
    std::map<std::string, int> ok;
    std::map<std::string, int> limited;
    for (int i = 0; i < 12; ++i) {
        const auto reply = Call(lb_, "GET", "/api/v1/campaigns");
        ASSERT_TRUE(reply.status == 200u || reply.status == 429u) << reply.status << " " << reply.body;
        ++(reply.status == 200u ? ok : limited)[reply.backend];
    }
    const auto allowed = ok["api1"] + ok["api2"];
    EXPECT_GE(allowed, 4);
    EXPECT_LE(allowed, 5) << "at most one token refills during the burst";
    EXPECT_GT(limited["api1"], 0);
    EXPECT_GT(limited["api2"], 0);
}

TEST_F(LoadBalancerTest, AKilledProcessIsTakenOutAndEveryRequestIsStillAnswered) {
    Up("1000");
    const auto killed = testing::RunStackScript({"lb", "kill", "1"}, env_);
    ASSERT_EQ(killed.exit_code, 0) << killed.output;
    // Before and after HAProxy's checks notice, requests are answered (a refused connection is retried on api2).
    for (int i = 0; i < 6; ++i) {
        const auto reply = Call(lb_, "GET", "/api/v1/campaigns");
        EXPECT_EQ(reply.status, 200u) << reply.body;
        EXPECT_EQ(reply.backend, "api2");
    }
    // HAProxy reports a server going down as "UP 1/3", "UP 2/3" before "DOWN": wait for the end state itself.
    EXPECT_TRUE(testing::WaitUntil(
        [&] { return Status().find("api1: DOWN (HAProxy)") != std::string::npos && BackendsUp() == 1; }, 10s))
        << Status();

    const auto started = testing::RunStackScript({"lb", "start", "1"}, env_);
    ASSERT_EQ(started.exit_code, 0) << started.output;
    ASSERT_TRUE(testing::WaitUntil([&] { return BackendsUp() == 2; }, 20s)) << Status();
    std::set<std::string> backends;
    for (int i = 0; i < 2; ++i) {
        backends.insert(Call(lb_, "GET", "/api/v1/campaigns").backend);
    }
    EXPECT_EQ(backends, (std::set<std::string>{"api1", "api2"}));
}

TEST_F(LoadBalancerTest, ASessionStartedOnOneProcessWorksOnTheOtherAndEndsOnBoth) {
    Up("1000");
    const auto created = testing::RunProcess({"/bin/sh", "-c",
                                              "printf 'a long enough password\\n' | " + std::string(BULKMSG_BINARY) +
                                                  " user create --email ed@example.com --role editor --password-stdin"},
                                             env_, testing::EmptyWorkDir());
    ASSERT_EQ(created.exit_code, 0) << created.output;
    const auto login =
        Send(api_[0], "POST", "/session", R"({"email":"ed@example.com","password":"a long enough password"})", "");
    ASSERT_EQ(login.status, 201u) << login.body;
    ASSERT_FALSE(login.cookie.empty());
    const auto as_ed =
        "Cookie: " + login.cookie + "\r\nX-CSRF-Token: " + login.body["csrf_token"].get<std::string>() + "\r\n";

    // The session lives in Redis: api2 knows it, accepts its CSRF token, and the audit names the user.
    const auto shown = Send(api_[1], "GET", "/session", "", as_ed);
    ASSERT_EQ(shown.status, 200u) << shown.body;
    EXPECT_EQ(shown.body["email"], "ed@example.com");
    const auto campaign = Send(api_[1], "POST", "/api/v1/campaigns", kCampaign, as_ed);
    ASSERT_EQ(campaign.status, 201u) << campaign.body;
    EXPECT_EQ(db_.Value("SELECT actor FROM campaign_events WHERE campaign_id = " +
                        std::to_string(campaign.body["id"].get<int>()) + " ORDER BY id LIMIT 1"),
              "user:ed@example.com");

    // Logged out on api2, the cookie no longer works on api1 or through HAProxy.
    EXPECT_EQ(Send(api_[1], "DELETE", "/session", "", as_ed).status, 204u);
    EXPECT_EQ(Send(api_[0], "GET", "/api/v1/campaigns", "", as_ed).status, 401u);
    EXPECT_EQ(Send(lb_, "GET", "/session", "", as_ed).status, 401u);
}

}  // namespace
}  // namespace bulkmsg
