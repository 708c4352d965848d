// The campaign API as deployed: a `bulkmsg api` process on a throw-away database, driven over HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "adapters/mysql/mysql_preparation_store.hpp"
#include "adapters/redis/redis_client.hpp"
#include "app/campaign_preparer.hpp"
#include "domain/campaign_request.hpp"
#include "support/api_process.hpp"
#include "support/fake_clock.hpp"
#include "support/outbox_fixture.hpp"
#include "support/raw_http.hpp"
#include "support/response_log.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Json = nlohmann::json;

struct Reply {
    unsigned status = 0;
    Json body;
};

class CampaignApiTest : public ::testing::Test {
protected:
    void SetUp() override { Start({}); }

    void Start(std::map<std::string, std::string> overrides) {
        overrides["DB_NAME"] = db_.Config().name;
        testing::ApiProcess started(overrides);
        port_ = started.port;
        key_ = started.key;
        api_ = std::move(started.process);
    }

    Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
               const std::string& type = "application/json", const std::optional<std::string>& key = std::nullopt,
               const std::string& extra_headers = "") {
        std::string request =
            method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra_headers;
        const auto auth = key.value_or(key_);
        if (!auth.empty()) {
            request += "Authorization: Bearer " + auth + "\r\n";
        }
        if (!body.empty() || method == "POST") {
            request += "Content-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
        }
        const auto response = testing::SendRawHttp(port_, request + "\r\n" + body);
        testing::RecordResponse(method, path, response);
        return {response.status, Json::parse(response.body, nullptr, false)};
    }
    std::uint64_t CreateCampaign(
        const Json& body = {{"name", "Welcome"},
                            {"kind", "email"},
                            {"template", {{"subject", "Hi {{first_name}}"}, {"text", "Hello {{first_name}}"}}}}) {
        const auto reply = Call("POST", "/api/v1/campaigns", body.dump());
        EXPECT_EQ(reply.status, 201u) << reply.body;
        return reply.body.value("id", 0ULL);
    }
    std::vector<std::string> ErrorFields(const Reply& reply) {
        std::vector<std::string> fields;
        for (const auto& d : reply.body["error"]["details"]) {
            fields.push_back(d.at("field"));
        }
        return fields;
    }

    testing::MigratedDatabase db_;
    unsigned short port_ = 0;
    std::string key_;
    std::unique_ptr<testing::ChildProcess> api_;
};

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

TEST_F(CampaignApiTest, UploadsAcceptValidRowsAndReportTheOthers) {
    const auto id = std::to_string(CreateCampaign());
    const auto ndjson = Call("POST", "/api/v1/campaigns/" + id + "/targets",
                             "{\"user_ref\":\"ana@example.com\",\"metadata\":{\"first_name\":\"Ana\"}}\n"
                             "{\"user_ref\":\"not-an-email\"}\n"
                             "{\"user_ref\":\"+15005550006\",\"kind\":\"sms\",\"timezone\":\"Mars/Base\"}\n"
                             "{\"user_ref\":\"ana@example.com\"}\n",
                             "application/x-ndjson");
    ASSERT_EQ(ndjson.status, 200u) << ndjson.body;
    EXPECT_EQ(ndjson.body["accepted"], 1);
    EXPECT_EQ(ndjson.body["duplicates"], 1);
    EXPECT_EQ(ndjson.body["rejected"], 2);
    EXPECT_EQ(ndjson.body["errors"][0],
              (Json{{"row", 2}, {"field", "user_ref"}, {"reason", "is not a valid email address"}}));
    EXPECT_EQ(ndjson.body["errors"][1]["field"], "timezone");

    const auto json =
        Call("POST", "/api/v1/campaigns/" + id + "/targets",
             R"([{"user_ref":"bo@example.com","timezone":"Asia/Tokyo"},{"user_ref":"cy@example.com","kind":"sms"}])");
    EXPECT_EQ(json.body["accepted"], 1);
    EXPECT_EQ(json.body["rejected"], 1);
    EXPECT_EQ(Call("POST", "/api/v1/campaigns/" + id + "/targets", "<xml/>", "application/xml").status, 415u);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaign_targets"), "2");
    EXPECT_EQ(db_.Value("SELECT timezone FROM campaign_targets WHERE user_ref='bo@example.com'"), "Asia/Tokyo");
}

TEST_F(CampaignApiTest, HundredThousandRowCsvUpload) {
    const auto id = std::to_string(CreateCampaign());
    std::string csv = "user_ref,first_name,timezone\n";
    for (int i = 0; i < 100000; ++i) {
        csv += "user" + std::to_string(i) + "@example.com,Name" + std::to_string(i) + ",Europe/Paris\n";
    }
    csv += "broken,x,UTC\n";
    const auto reply = Call("POST", "/api/v1/campaigns/" + id + "/targets", csv, "text/csv");
    ASSERT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.body["accepted"], 100000);
    EXPECT_EQ(reply.body["rejected"], 1);
    EXPECT_EQ(reply.body["errors"][0]["row"], 100001);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaign_targets WHERE campaign_id=" + id), "100000");
    EXPECT_EQ(
        db_.Value(
            "SELECT JSON_VALUE(metadata, '$.first_name') FROM campaign_targets WHERE user_ref='user77@example.com'"),
        "Name77");
}

std::string CsvTargets(int count) {
    std::string csv = "user_ref,first_name\n";
    for (int i = 0; i < count; ++i) {
        csv += "user" + std::to_string(i) + "@example.com,Name" + std::to_string(i) + "\n";
    }
    return csv;
}

// Uploads are streamed: their own limit (API_UPLOAD_LIMIT_MB) instead of API_BODY_LIMIT_MB, and rows read before
// a body breaks it stay stored and are counted in the 413.
class CampaignUploadLimitTest : public CampaignApiTest {
protected:
    void SetUp() override { Start({{"API_BODY_LIMIT_MB", "1"}, {"API_UPLOAD_LIMIT_MB", "2"}}); }
};

TEST_F(CampaignUploadLimitTest, UploadBeyondTheBodyLimitIsStreamedAndOneBeyondTheUploadLimitKeepsItsStart) {
    const auto id = std::to_string(CreateCampaign());
    const auto within = CsvTargets(40'000);
    ASSERT_GT(within.size(), 1u << 20);
    const auto reply = Call("POST", "/api/v1/campaigns/" + id + "/targets", within, "text/csv");
    ASSERT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.body["accepted"], 40'000);

    // 3 MB, chunked (no length to refuse up front): the server stops reading at 2 MB.
    const auto beyond = CsvTargets(80'000);
    std::string chunked;
    for (std::size_t at = 0; at < beyond.size(); at += 100'000) {
        const auto piece = beyond.substr(at, 100'000);
        char length[16];
        std::snprintf(length, sizeof length, "%zx\r\n", piece.size());
        chunked += length + piece + "\r\n";
    }
    const auto raw = testing::SendRawHttp(
        port_, "POST /api/v1/campaigns/" + id + "/targets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key_ +
                   "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked + "0\r\n\r\n");
    ASSERT_EQ(raw.status, 413u) << raw.body;
    const auto error = Json::parse(raw.body)["error"];
    EXPECT_EQ(error["code"], "payload_too_large");
    const auto detail = error["details"][0];
    EXPECT_EQ(detail["duplicates"], 40'000) << "the first 40,000 rows were already stored";
    const auto accepted = detail["accepted"].get<int>();
    EXPECT_GT(accepted, 0);
    EXPECT_LT(accepted, 40'000);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaign_targets WHERE campaign_id=" + id),
              std::to_string(40'000 + accepted));
}

// An upload holds one of the API's threads while its body streams. Beyond API_MAX_CONCURRENT_UPLOADS (2, the
// default) an upload gets 429 before its body is read, and the two threads beyond the uploads' answer every other
// request, probes included, while the uploads stall.
TEST_F(CampaignApiTest, UploadsBeyondTheLimitGet429WhileOtherRequestsAreAnsweredDuringStalledUploads) {
    const auto id = std::to_string(CreateCampaign());
    const auto chunk = [](const std::string& piece) {
        char length[16];
        std::snprintf(length, sizeof length, "%zx\r\n", piece.size());
        return length + piece + "\r\n";
    };
    const auto head = "POST /api/v1/campaigns/" + id + "/targets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key_ +
                      "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::vector<std::unique_ptr<testing::RawHttpConnection>> uploads;
    for (int i = 0; i < 4; ++i) {  // each sends its header row and one target, then stalls
        uploads.push_back(std::make_unique<testing::RawHttpConnection>(port_));
        ASSERT_TRUE(uploads.back()->Send(head + chunk("user_ref\nheld" + std::to_string(i) + "@example.com\n")));
    }
    std::vector<testing::RawHttpConnection*> stalled;
    for (auto& upload : uploads) {
        const auto answer = upload->Receive(2s);
        if (answer.status == 0) {
            stalled.push_back(upload.get());
            continue;
        }
        EXPECT_EQ(answer.status, 429u) << answer.body;
        EXPECT_EQ(Json::parse(answer.body)["error"]["code"], "too_many_uploads");
    }
    ASSERT_EQ(stalled.size(), 2u);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(testing::HttpGet(port_, "/health").status, 200u);
    EXPECT_EQ(testing::HttpGet(port_, "/ready").status, 200u);
    EXPECT_EQ(Call("GET", "/api/v1/campaigns/" + id).status, 200u);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    for (auto* upload : stalled) {
        ASSERT_TRUE(upload->Send("0\r\n\r\n"));
        const auto answer = upload->Receive();
        ASSERT_EQ(answer.status, 200u) << answer.body;
        EXPECT_EQ(Json::parse(answer.body)["accepted"], 1);
    }
    // Their slots are free again.
    const auto after =
        Call("POST", "/api/v1/campaigns/" + id + "/targets", "user_ref\nlater@example.com\n", "text/csv");
    ASSERT_EQ(after.status, 200u) << after.body;
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaign_targets WHERE campaign_id=" + id), "3");
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
