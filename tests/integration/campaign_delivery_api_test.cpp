// What the campaign API shows of delivery, as deployed: messages with their failures, suppressions, cached
// progress, Redis outages, idempotency keys and send windows.
#include <set>
#include <thread>

#include "adapters/mysql/mysql_preparation_store.hpp"
#include "adapters/redis/redis_client.hpp"
#include "app/campaign_preparer.hpp"
#include "domain/campaign_request.hpp"
#include "support/campaign_api_fixture.hpp"
#include "support/fake_clock.hpp"

namespace bulkmsg {
namespace {

using namespace campaign_api;

TEST_F(CampaignApiTest, MessagesPageThroughOutboxRowsWithTheirFailures) {
    const auto id = CreateCampaign();
    const auto path = "/api/v1/campaigns/" + std::to_string(id);
    db_.InsertOutbox(id, 5, {{"status", "'failed'"}, {"attempts", "3"}, {"last_error", "'550 mailbox unavailable'"}});
    db_.InsertOutbox(id, 2, {{"status", "'sent'"}, {"provider_msg_id", "'sg-123'"}});
    const auto page1 = Call("GET", path + "/messages?status=failed&limit=3");
    ASSERT_EQ(page1.status, 200u) << page1.body;
    ASSERT_EQ(page1.body["items"].size(), 3u);
    EXPECT_EQ(page1.body["items"][0]["last_error"], "550 mailbox unavailable");
    EXPECT_EQ(page1.body["items"][0]["attempts"], 3);
    const auto page2 =
        Call("GET", path + "/messages?status=failed&limit=3&cursor=" + page1.body["next_cursor"].get<std::string>());
    EXPECT_EQ(page2.body["items"].size(), 2u);
    EXPECT_TRUE(page2.body["next_cursor"].is_null());
    const auto all = Call("GET", path + "/messages");
    EXPECT_EQ(all.body["items"].size(), 7u);
    EXPECT_EQ(all.body["items"][6]["provider_msg_id"], "sg-123");
    EXPECT_EQ(Call("GET", path + "/messages?status=lost").status, 400u);
    EXPECT_EQ(Call("GET", "/api/v1/campaigns/999/messages").status, 404u);
}

TEST_F(CampaignApiTest, SuppressedRecipientsAreCountedButNeverQueued) {
    const auto added =
        Call("POST", "/api/v1/suppressions",
             Json{{"channel", "email"}, {"address", "Bo@Example.com"}, {"reason", "unsubscribed"}}.dump());
    EXPECT_EQ(added.status, 201u) << added.body;
    EXPECT_EQ(
        Call("POST", "/api/v1/suppressions", Json{{"channel", "email"}, {"address", "Bo@Example.com"}}.dump()).status,
        200u);
    const auto invalid = Call("POST", "/api/v1/suppressions", Json{{"channel", "fax"}, {"address", "x"}}.dump());
    EXPECT_EQ(invalid.status, 422u);
    EXPECT_EQ(ErrorFields(invalid), (std::vector<std::string>{"channel"}));
    EXPECT_EQ(Call("POST", "/api/v1/suppressions", Json{{"channel", "sms"}, {"address", "12"}}.dump()).status, 422u);
    Call("POST", "/api/v1/suppressions", Json{{"channel", "sms"}, {"address", "+15005550006"}}.dump());
    const auto listed = Call("GET", "/api/v1/suppressions?channel=email");
    ASSERT_EQ(listed.body["items"].size(), 1u);
    EXPECT_EQ(listed.body["items"][0]["address"], "Bo@Example.com");

    const auto id = CreateCampaign();
    const auto path = "/api/v1/campaigns/" + std::to_string(id);
    Call("POST", path + "/targets", "user_ref,first_name\nana@example.com,Ana\nbo@example.com,Bo\n", "text/csv");
    Call("POST", path + "/prepare");
    mysql::MysqlPreparationStore store(db_.Config());
    testing::FakeRandom random;
    app::CampaignPreparer preparer(store, {"noreply@example.com", "+15005550006"}, 1000);
    ASSERT_EQ(preparer.RunDue(domain::Clock::now()), 1u);
    EXPECT_EQ(db_.Value("SELECT CONCAT(status, '|', last_error) FROM outbox WHERE user_ref='bo@example.com'"),
              "suppressed|suppressed: unsubscribed");
    const auto progress = Call("GET", path + "/progress");
    EXPECT_EQ(progress.body["counts"]["suppressed"], 1);
    EXPECT_EQ(progress.body["counts"]["pending"], 1);

    EXPECT_EQ(Call("DELETE", "/api/v1/suppressions?channel=sms&address=%2B15005550006").status, 204u);
    EXPECT_EQ(Call("DELETE", "/api/v1/suppressions?channel=sms&address=%2B15005550006").status, 404u);
    EXPECT_EQ(Call("DELETE", "/api/v1/suppressions?channel=sms").status, 400u);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM suppressions"), "1");
}

// The dashboard's search: addresses starting with the text, case-insensitively, with LIKE's wildcards taken
// literally, paged like the whole list.
TEST_F(CampaignApiTest, SuppressionsAreSearchedByAddressPrefix) {
    for (const auto* address : {"Ana@Example.com", "ana.b@example.com", "bo@example.com", "a_c@example.com"}) {
        ASSERT_EQ(Call("POST", "/api/v1/suppressions", Json{{"channel", "email"}, {"address", address}}.dump()).status,
                  201u);
    }
    const auto addresses = [&](const std::string& query) {
        std::vector<std::string> found;
        const auto reply = Call("GET", "/api/v1/suppressions?" + query);
        for (const auto& item : reply.body["items"]) {
            found.push_back(item["address"]);
        }
        return found;
    };
    EXPECT_EQ(addresses("address=ana"), (std::vector<std::string>{"Ana@Example.com", "ana.b@example.com"}));
    EXPECT_EQ(addresses("channel=email&address=ANA%40"), (std::vector<std::string>{"Ana@Example.com"}));
    EXPECT_EQ(addresses("address=a_"), (std::vector<std::string>{"a_c@example.com"}));
    EXPECT_EQ(addresses("address=a%25"), std::vector<std::string>{});
    EXPECT_EQ(addresses("channel=sms&address=ana"), std::vector<std::string>{});
    const auto first = Call("GET", "/api/v1/suppressions?address=ana&limit=1");
    ASSERT_EQ(first.body["items"].size(), 1u);
    const auto second =
        Call("GET", "/api/v1/suppressions?address=ana&limit=1&cursor=" + first.body["next_cursor"].get<std::string>());
    EXPECT_EQ(second.body["items"][0]["address"], "ana.b@example.com");
    EXPECT_EQ(Call("GET", "/api/v1/suppressions?address=" + std::string(321, 'a')).status, 400u);
}

TEST_F(CampaignApiTest, ProgressIsCachedInRedisWithASendRate) {
    const auto id = CreateCampaign();
    const auto path = "/api/v1/campaigns/" + std::to_string(id);
    Call("POST", path + "/targets", "user_ref\na@example.com\nb@example.com\nc@example.com\nd@example.com\n",
         "text/csv");
    db_.InsertOutbox(id, 4);
    const auto first = Call("GET", path + "/progress");
    EXPECT_EQ(first.body["counts"]["pending"], 4);
    EXPECT_TRUE(first.body["eta_seconds"].is_null());  // one sample: no rate yet
    redis::RedisClient redis(testing::StackConfig().redis);
    const auto key = "bulkmsg:" + db_.Config().name + ":progress:" + std::to_string(id);
    EXPECT_EQ(Json::parse(redis.Command({"GET", key}))["counts"]["pending"], 4);

    // Within the cache's TTL the API answers from Redis, not MySQL.
    db_.Sql().Execute("UPDATE outbox SET status='sent' WHERE id IN (1, 2)");
    EXPECT_EQ(Call("GET", path + "/progress").body["counts"]["pending"], 4);
    // Counted again once the cached copy is gone; the rate needs a later sample than the first one.
    Reply second;
    EXPECT_TRUE(testing::WaitUntil(
        [&] {
            redis.Command({"DEL", key});
            second = Call("GET", path + "/progress");
            return second.body["rate_per_second"].is_number() && second.body["rate_per_second"].get<double>() > 0;
        },
        5s, 10ms));
    EXPECT_EQ(second.body["counts"]["sent"], 2);
    ASSERT_TRUE(second.body["eta_seconds"].is_number()) << second.body;
    EXPECT_GT(second.body["eta_seconds"].get<double>(), 0.0) << "two of four messages are left";
}

// Redis down: requests pass unlimited, progress is counted in MySQL, and each dependency's warning is written once,
// not once per request (each is tried again at most every 500 ms).
TEST_F(CampaignApiTest, WithRedisDownRequestsPassAndEachWarningIsLoggedOnce) {
    Start({{"REDIS_PORT", std::to_string(testing::FreePort())}, {"API_RATE_LIMIT_PER_SEC", "1"}});
    const auto id = CreateCampaign();
    db_.InsertOutbox(id, 3);
    const auto path = "/api/v1/campaigns/" + std::to_string(id) + "/progress";
    for (int i = 0; i < 40; ++i) {
        const auto reply = Call("GET", path);
        ASSERT_EQ(reply.status, 200u) << "request " << i << ": " << reply.body;
        EXPECT_EQ(reply.body["counts"]["pending"], 3);
    }
    const auto output = api_->OutputSoFar();
    const auto count = [&output](const std::string& text) {
        std::size_t n = 0;
        for (auto at = output.find(text); at != std::string::npos; at = output.find(text, at + 1)) {
            ++n;
        }
        return n;
    };
    EXPECT_EQ(count("request rate limiter unavailable"), 1u) << output;
    EXPECT_EQ(count("progress cache unavailable"), 1u) << output;
}

TEST_F(CampaignApiTest, IdempotencyKeyReplaysTheSameCreateAndRefusesAnotherBody) {
    const auto body = Json{{"name", "Once"}, {"kind", "sms"}, {"template", {{"text", "hi"}}}}.dump();
    const std::string header = "Idempotency-Key: order-42\r\n";
    std::vector<std::thread> clients;
    std::vector<Reply> replies(4);
    for (std::size_t i = 0; i < replies.size(); ++i) {
        clients.emplace_back(
            [&, i] { replies[i] = Call("POST", "/api/v1/campaigns", body, "application/json", std::nullopt, header); });
    }
    for (auto& client : clients) {
        client.join();
    }
    std::set<std::uint64_t> ids;
    int created = 0;
    for (const auto& reply : replies) {
        ASSERT_TRUE(reply.status == 201u || reply.status == 200u) << reply.status << reply.body;
        created += reply.status == 201u ? 1 : 0;
        ids.insert(reply.body["id"].get<std::uint64_t>());
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(ids.size(), 1u);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaigns"), "1");
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaign_events WHERE event='created'"), "1") << "replays record nothing";

    const auto other = Json{{"name", "Twice"}, {"kind", "sms"}, {"template", {{"text", "hi"}}}}.dump();
    const auto conflict = Call("POST", "/api/v1/campaigns", other, "application/json", std::nullopt, header);
    EXPECT_EQ(conflict.status, 409u);
    EXPECT_EQ(conflict.body["error"]["code"], "idempotency_conflict");
    EXPECT_EQ(
        Call("POST", "/api/v1/campaigns", other, "application/json", std::nullopt, "Idempotency-Key: order-43\r\n")
            .status,
        201u);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaigns"), "2");
}

// Recipients in Tokyo and New York, prepared on the Saturday before the US clocks go forward: each message
// waits for 09:00 in its own zone, and New York's 09:00 on Sunday is already daylight time.
TEST_F(CampaignApiTest, SendWindowGivesEachRowItsLocalStartAcrossADstChange) {
    const auto id = CreateCampaign({{"name", "Morning"},
                                    {"kind", "email"},
                                    {"send_window", {{"local_time", "09:00"}}},
                                    {"template", {{"subject", "Good morning"}, {"text", "Hi"}}}});
    const auto path = "/api/v1/campaigns/" + std::to_string(id);
    EXPECT_EQ(Call("GET", path).body["send_window"], (Json{{"local_time", "09:00"}}));
    Call("POST", path + "/targets",
         "user_ref,timezone\ntokyo@example.com,Asia/Tokyo\nny@example.com,America/New_York\nutc@example.com,\n",
         "text/csv");
    ASSERT_EQ(Call("POST", path + "/prepare").status, 202u);
    mysql::MysqlPreparationStore store(db_.Config());
    testing::FakeRandom random;
    app::CampaignPreparer preparer(store, {"noreply@example.com", "+15005550006"}, 1000);
    ASSERT_EQ(preparer.RunDue(*domain::ParseRfc3339("2026-03-07T20:00:00Z")), 1u);
    const auto available = [&](const std::string& user) {
        return db_.Value("SELECT available_at FROM outbox WHERE user_ref='" + user + "'");
    };
    EXPECT_EQ(available("tokyo@example.com"), "2026-03-08 00:00:00.000000");
    EXPECT_EQ(available("ny@example.com"), "2026-03-08 13:00:00.000000");
    EXPECT_EQ(available("utc@example.com"), "2026-03-08 09:00:00.000000");
    EXPECT_EQ(Call("POST", "/api/v1/campaigns",
                   Json{{"name", "x"},
                        {"kind", "sms"},
                        {"template", {{"text", "x"}}},
                        {"send_window", {{"start", "25:00"}, {"end", "08:00"}}}}
                       .dump())
                  .status,
              422u);
}

}  // namespace
}  // namespace bulkmsg
