// The campaign API as deployed: a `bulkmsg api` process on a throw-away database, driven over HTTP: routes and
// keys, creating and listing, bad and hostile input, request rates, the lifecycle and its audit trail.
#include "adapters/mysql/mysql_preparation_store.hpp"
#include "app/campaign_preparer.hpp"
#include "support/campaign_api_fixture.hpp"
#include "support/fake_clock.hpp"

namespace bulkmsg {
namespace {

using namespace campaign_api;

TEST_F(CampaignApiTest, EveryRouteNeedsAnActiveKeyButOpsEndpointsStayOpen) {
    EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", "", std::string()).status, 401u);
    const auto wrong = Call("GET", "/api/v1/campaigns", "", "", std::string("bmk_wrong"));
    EXPECT_EQ(wrong.status, 401u);
    EXPECT_EQ(wrong.body["error"]["code"], "unauthorized");
    EXPECT_EQ(Call("GET", "/api/v1/campaigns").status, 200u);
    EXPECT_EQ(testing::HttpGet(port_, "/health").status, 200u);

    const auto revoked = testing::RunBulkmsg({"apikey", "revoke", "1"}, {{"DB_NAME", db_.Config().name}});
    ASSERT_EQ(revoked.exit_code, 0) << revoked.output;
    EXPECT_EQ(Call("GET", "/api/v1/campaigns").status, 401u);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM api_keys WHERE key_hash = SHA2('" + key_ + "', 256)"), "1");
}

TEST_F(CampaignApiTest, CreateShowAndListWithCursorAndStatusFilter) {
    const auto id = CreateCampaign();
    const auto shown = Call("GET", "/api/v1/campaigns/" + std::to_string(id));
    ASSERT_EQ(shown.status, 200u);
    EXPECT_EQ(shown.body["status"], "draft");
    EXPECT_EQ(shown.body["template"]["subject"], "Hi {{first_name}}");
    EXPECT_EQ(shown.body["progress"]["targets"], 0);
    const auto scheduled = Call("POST", "/api/v1/campaigns",
                                Json{{"name", "Later"},
                                     {"kind", "sms"},
                                     {"template", {{"text", "Hi"}}},
                                     {"scheduled_at", "2030-01-01T09:00:00+09:00"}}
                                    .dump());
    ASSERT_EQ(scheduled.status, 201u) << scheduled.body;
    EXPECT_EQ(scheduled.body["status"], "scheduled");
    EXPECT_EQ(scheduled.body["scheduled_at"], "2030-01-01T00:00:00.000000Z");
    CreateCampaign();

    const auto page1 = Call("GET", "/api/v1/campaigns?limit=2");
    ASSERT_EQ(page1.body["items"].size(), 2u);
    EXPECT_EQ(page1.body["items"][0]["id"], id + 2);  // newest first
    const auto page2 = Call("GET", "/api/v1/campaigns?limit=2&cursor=" + page1.body["next_cursor"].get<std::string>());
    ASSERT_EQ(page2.body["items"].size(), 1u);
    EXPECT_EQ(page2.body["items"][0]["id"], id);
    EXPECT_TRUE(page2.body["next_cursor"].is_null());
    const auto only_scheduled = Call("GET", "/api/v1/campaigns?status=scheduled");
    ASSERT_EQ(only_scheduled.body["items"].size(), 1u);
    EXPECT_EQ(only_scheduled.body["items"][0]["name"], "Later");
    EXPECT_EQ(Call("GET", "/api/v1/campaigns?status=bogus").status, 400u);
    EXPECT_EQ(Call("GET", "/api/v1/campaigns?limit=0").status, 400u);
}

TEST_F(CampaignApiTest, BadRequestsGetA4xxNamingTheProblemAndStoreNothing) {
    EXPECT_EQ(Call("POST", "/api/v1/campaigns", "{not json").status, 400u);
    EXPECT_EQ(Call("POST", "/api/v1/campaigns", "name=x", "application/x-www-form-urlencoded").status, 415u);
    const auto invalid = Call("POST", "/api/v1/campaigns",
                              Json{{"name", 5},
                                   {"kind", "fax"},
                                   {"template", {{"text", "{{#open}}"}, {"color", "red"}}},
                                   {"scheduled_at", "tomorrow"},
                                   {"extra", true}}
                                  .dump());
    EXPECT_EQ(invalid.status, 422u);
    EXPECT_THAT(ErrorFields(invalid), ::testing::UnorderedElementsAre("extra", "name", "name", "kind", "template.color",
                                                                      "template.text", "scheduled_at"));
    EXPECT_EQ(Call("POST", "/api/v1/campaigns", "[1,2]").status, 422u);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaigns"), "0");

    EXPECT_EQ(Call("GET", "/api/v1/campaigns/abc").status, 400u);
    EXPECT_EQ(Call("GET", "/api/v1/campaigns/-1").status, 400u);
    EXPECT_EQ(Call("GET", "/api/v1/campaigns/99999999999999999999999").status, 400u);
    EXPECT_EQ(Call("GET", "/api/v1/campaigns/42").status, 404u);
    EXPECT_EQ(Call("GET", "/api/v1/nothing").status, 404u);
    EXPECT_EQ(Call("DELETE", "/api/v1/campaigns").status, 405u);
    // Injection attempts are data, stored verbatim.
    const auto evil = "x'); DROP TABLE campaigns; --";
    const auto id = CreateCampaign({{"name", evil}, {"kind", "sms"}, {"template", {{"text", "hi"}}}});
    EXPECT_EQ(Call("GET", "/api/v1/campaigns/" + std::to_string(id)).body["name"], evil);
}

// Hostile input of every kind: each request gets a 4xx JSON error with a code (and, for validation, the field),
// never a 5xx or a dropped connection; nothing is stored; the process keeps serving.
TEST_F(CampaignApiTest, HostileInputGets4xxNamingTheProblemAndStoresNothing) {
    const auto id = CreateCampaign();
    const auto path = "/api/v1/campaigns/" + std::to_string(id);
    const std::string injection = "1' OR '1'='1'; DROP TABLE outbox; --";
    std::string deep_json(200'000, '[');
    deep_json += std::string(200'000, ']');
    struct Case {
        std::string method, path, body, type;
        unsigned status;
        std::string field;  // expected among the error's details, when not empty
        std::optional<std::string> key = std::nullopt;
    };
    const std::vector<Case> cases = {
        {"POST", "/api/v1/campaigns", "{\"name\":\"a", "application/json", 400, ""},
        {"POST", "/api/v1/campaigns", deep_json, "application/json", 422, "body"},
        {"POST", "/api/v1/campaigns", "{\"name\":\"\xff\xfe\",\"kind\":\"email\"}", "application/json", 400, ""},
        {"POST", "/api/v1/campaigns",
         Json{{"name", std::string(300, 'n')}, {"kind", "email"}, {"template", {{"text", "x"}}}}.dump(),
         "application/json", 422, "name"},
        {"POST", "/api/v1/campaigns",
         Json{{"name", "x"}, {"kind", "email"}, {"template", {{"text", std::string(2 << 20, 't')}}}}.dump(),
         "application/json", 422, "template.text"},
        {"POST", "/api/v1/campaigns",
         Json{{"name", injection}, {"kind", injection}, {"template", {{"text", "x"}}}}.dump(), "application/json", 422,
         "kind"},
        {"POST", "/api/v1/campaigns", Json{{"name", "x"}, {"kind", "sms"}, {"template", {{"text", 5}}}}.dump(),
         "application/json", 422, "template.text"},
        {"POST", "/api/v1/campaigns", Json{{"name", "x"}, {"kind", "sms"}, {"template", {{"text", "{{/x}}"}}}}.dump(),
         "application/json", 422, "template.text"},
        {"POST", "/api/v1/campaigns",
         Json{{"name", "x"}, {"kind", "sms"}, {"template", {{"text", "x"}}}, {"scheduled_at", "2026-02-30T09:00:00Z"}}
             .dump(),
         "application/json", 422, "scheduled_at"},
        {"POST", "/api/v1/campaigns",
         Json{{"name", "x"}, {"kind", "sms"}, {"template", {{"text", "x"}}}, {"send_window", {{"local_time", "25:99"}}}}
             .dump(),
         "application/json", 422, "send_window.local_time"},
        {"POST", "/api/v1/campaigns", "<campaign/>", "application/xml", 415, ""},
        {"POST", "/api/v1/campaigns", "{}", "application/json", 401, "", std::string("bmk_") + std::string(64, '0')},
        {"POST", "/api/v1/campaigns", "{}", "application/json", 401, "", std::string("")},
        {"GET", "/api/v1/campaigns?limit=-1", "", "", 400, ""},
        {"GET", "/api/v1/campaigns?limit=99999999999999999999999", "", "", 400, ""},
        {"GET", "/api/v1/campaigns?cursor=" + injection, "", "", 400, ""},
        {"GET", "/api/v1/campaigns?status=running'%20OR%201=1", "", "", 400, ""},
        {"GET", "/api/v1/campaigns/1%3BDROP%20TABLE%20campaigns", "", "", 400, "id"},
        {"GET", "/api/v1/campaigns/18446744073709551616", "", "", 400, "id"},
        {"POST", path + "/schedule", R"({"scheduled_at":"2026-13-45T00:00:00Z"})", "application/json", 422,
         "scheduled_at"},
        {"POST", path + "/schedule", R"({"scheduled_at":12})", "application/json", 422, "scheduled_at"},
        {"POST", path + "/targets", "<targets/>", "application/xml", 415, ""},
        {"POST", "/api/v1/suppressions", Json{{"channel", injection}, {"address", injection}}.dump(),
         "application/json", 422, "channel"},
        {"GET", "/api/v1/campaigns/" + std::to_string(id + 1000) + "/messages", "", "", 404, ""},
    };
    for (const auto& c : cases) {
        const auto reply = Call(c.method, c.path, c.body, c.type, c.key);
        EXPECT_EQ(reply.status, c.status) << c.method << " " << c.path.substr(0, 80) << " " << c.body.substr(0, 80)
                                          << " → " << reply.body.dump().substr(0, 300);
        EXPECT_TRUE(reply.body.is_object() && reply.body["error"]["code"].is_string())
            << c.path.substr(0, 80) << " " << c.body.substr(0, 80);
        if (!c.field.empty()) {
            EXPECT_THAT(ErrorFields(reply), ::testing::Contains(c.field)) << c.body.substr(0, 80);
        }
    }

    // Bad recipients are refused row by row with the field and row named; nothing of them is stored.
    const std::string bad_rows = "user_ref,timezone\nnot-an-email,UTC\nana@example.com,Mars/Olympus\n" + injection +
                                 ",UTC\n,UTC\n" + std::string(70'000, 'x') + "@example.com,UTC\n";
    const auto upload = Call("POST", path + "/targets", bad_rows, "text/csv");
    EXPECT_EQ(upload.status, 200u) << upload.body;
    EXPECT_EQ(upload.body["accepted"], 0);
    EXPECT_EQ(upload.body["rejected"], 5);
    EXPECT_EQ(upload.body["errors"][0],
              (Json{{"row", 1}, {"field", "user_ref"}, {"reason", upload.body["errors"][0]["reason"]}}));
    EXPECT_EQ(upload.body["errors"][1]["field"], "timezone");
    const auto sms = CreateCampaign({{"name", "Texts"}, {"kind", "sms"}, {"template", {{"text", "hi"}}}});
    const auto sms_upload = Call(
        "POST", "/api/v1/campaigns/" + std::to_string(sms) + "/targets",
        "{\"user_ref\":\"0123\"}\n{\"user_ref\":\"+1415555010O\"}\n{\"user_ref\":\"+14155550100\",\"kind\":\"push\"}\n",
        "application/x-ndjson");
    EXPECT_EQ(sms_upload.body["accepted"], 0) << sms_upload.body;
    EXPECT_EQ(sms_upload.body["rejected"], 3) << "bad numbers, and a push token that is a phone number";

    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaigns"), "2");
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaign_targets"), "0");
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM suppressions"), "0");
    EXPECT_EQ(testing::HttpGet(port_, "/live").status, 200u);
    EXPECT_EQ(testing::HttpGet(port_, "/metrics").body.find("bulkmsg_http_requests_total{code=\"500\"}"),
              std::string::npos);
}

TEST_F(CampaignApiTest, EachKeyIsLimitedToItsRequestRate) {
    api_.reset();
    Start({{"API_RATE_LIMIT_PER_SEC", "3"}});
    std::vector<unsigned> statuses;
    for (int i = 0; i < 5; ++i) {
        statuses.push_back(Call("GET", "/api/v1/campaigns").status);
    }
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200u), 3) << "a burst of one second's worth";
    const auto limited = Call("GET", "/api/v1/campaigns");
    EXPECT_EQ(limited.status, 429u);
    EXPECT_EQ(limited.body["error"]["code"], "rate_limited");
    const auto raw = testing::SendRawHttpUntilClose(
        port_,
        "GET /api/v1/campaigns HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer " + key_ + "\r\n\r\n");
    EXPECT_THAT(raw, HasSubstr("Retry-After: 1\r\n"));
    EXPECT_EQ(testing::HttpGet(port_, "/health").status, 200u) << "operational endpoints are not limited";
    const auto other = testing::RunBulkmsg({"apikey", "create", "--name", "other"}, {{"DB_NAME", db_.Config().name}});
    const auto other_key = other.output.substr(other.output.rfind("bmk_"), 68);
    EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", "", other_key).status, 200u) << "another key has its own budget";
    EXPECT_TRUE(testing::WaitUntil([&] { return Call("GET", "/api/v1/campaigns").status == 200u; }, 3s, 100ms))
        << "the bucket refills";
}

TEST_F(CampaignApiTest, LifecyclePrepareScheduleCancelWithItsAuditTrail) {
    const auto id = CreateCampaign();
    const auto path = "/api/v1/campaigns/" + std::to_string(id);
    Call("POST", path + "/targets", "user_ref,first_name\nana@example.com,Ana\nbo@example.com,Bo\n", "text/csv");
    EXPECT_EQ(Call("POST", path + "/pause").status, 409u);  // nothing to pause yet
    const auto schedule = Call("POST", path + "/schedule", R"({"scheduled_at":"2031-05-01T10:00:00Z"})");
    EXPECT_EQ(schedule.status, 200u);
    EXPECT_EQ(schedule.body["status"], "scheduled");
    EXPECT_EQ(Call("POST", path + "/schedule", R"({"at":"soon"})").status, 422u);

    const auto prepare = Call("POST", path + "/prepare");
    EXPECT_EQ(prepare.status, 202u);
    EXPECT_EQ(prepare.body["status"], "preparing");
    EXPECT_EQ(Call("POST", path + "/prepare").status, 409u);
    EXPECT_EQ(Call("POST", path + "/targets", "user_ref\ncy@example.com\n", "text/csv").status, 409u);

    // The poller's scheduler duty does the preparation; run it here.
    mysql::MysqlPreparationStore store(db_.Config());
    testing::FakeRandom random;
    app::CampaignPreparer preparer(store, {"noreply@example.com", "+15005550006"}, 1000);
    ASSERT_EQ(preparer.RunDue(domain::Clock::now()), 1u);
    const auto progress = Call("GET", path + "/progress");
    EXPECT_EQ(progress.body["targets"], 2);
    EXPECT_EQ(progress.body["counts"]["pending"], 2);
    EXPECT_EQ(Json::parse(db_.Value("SELECT payload FROM outbox WHERE user_ref='bo@example.com'"))["subject"], "Hi Bo");

    EXPECT_EQ(Call("POST", path + "/pause").body["status"], "paused");
    EXPECT_EQ(Call("POST", path + "/resume").body["status"], "running");
    const auto cancel = Call("POST", path + "/cancel");
    EXPECT_EQ(cancel.body["status"], "cancelled");
    EXPECT_EQ(cancel.body["cancelled_messages"], 2);
    EXPECT_EQ(db_.Count("status='cancelled' AND last_error='cancelled'"), 2u);
    EXPECT_EQ(Call("GET", path + "/progress").body["percent_done"], 100.0);
    EXPECT_EQ(Call("POST", path + "/resume").status, 409u);
    EXPECT_EQ(Call("POST", path + "/cancel").status, 409u);

    // The audit trail: every change once, in order, with who did it; refused requests leave no event.
    const auto events = Call("GET", path + "/events");
    ASSERT_EQ(events.status, 200u) << events.body;
    std::vector<std::string> trail;
    for (const auto& e : events.body["items"]) {
        trail.push_back(e["event"].get<std::string>() + " by " + e["actor"].get<std::string>());
    }
    const std::string key = " by api_key:tests";
    EXPECT_EQ(trail, (std::vector<std::string>{"created" + key, "targets_added" + key, "scheduled" + key,
                                               "prepare_requested" + key, "prepared by scheduler", "paused" + key,
                                               "resumed" + key, "cancelled" + key}));
    EXPECT_EQ(events.body["items"][1]["details"]["accepted"], 2);
    EXPECT_EQ(events.body["items"][2]["details"]["scheduled_at"], "2031-05-01T10:00:00Z");
    EXPECT_EQ(events.body["items"][4]["details"]["outbox_rows"], 2);
    const auto first_page = Call("GET", path + "/events?limit=3");
    EXPECT_EQ(first_page.body["items"].size(), 3u);
    const auto second_page =
        Call("GET", path + "/events?limit=3&cursor=" + first_page.body["next_cursor"].get<std::string>());
    EXPECT_EQ(second_page.body["items"][0]["event"], "prepare_requested");
    EXPECT_EQ(Call("GET", path + "/events?status=sent").status, 400u);
    EXPECT_EQ(Call("GET", "/api/v1/campaigns/999999/events").status, 404u);
    EXPECT_THAT(api_->OutputSoFar(), HasSubstr(R"("component":"audit","msg":"campaign paused")"));
}

TEST(CampaignApiLimitTest, OversizedBodyGets413AndStoresNothing) {
    testing::MigratedDatabase db;
    const auto port = testing::FreePort();
    const std::map<std::string, std::string> env = {
        {"DB_NAME", db.Config().name}, {"EXPRESS_APP_PORT", std::to_string(port)}, {"API_BODY_LIMIT_MB", "1"}};
    testing::ChildProcess api({BULKMSG_BINARY, "api"}, testing::BulkmsgEnv(env), testing::EmptyWorkDir());
    ASSERT_TRUE(testing::WaitUntil([&] { return testing::HttpGet(port, "/live").status == 200; }, 10s, 50ms));
    const std::string body(2 << 20, 'x');
    const auto response = testing::SendRawHttp(
        port,
        "POST /api/v1/campaigns HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(response.status, 413u);
    EXPECT_THAT(response.body, HasSubstr("payload_too_large"));
    EXPECT_EQ(db.Value("SELECT COUNT(*) FROM campaigns"), "0");
}

}  // namespace
}  // namespace bulkmsg
