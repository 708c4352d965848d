// Recipient uploads through the campaign API as deployed: accepted and rejected rows, a 100,000-row CSV, the
// streamed upload limit and concurrent stalled uploads.
#include "support/campaign_api_fixture.hpp"

namespace bulkmsg {
namespace {

using namespace campaign_api;

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

}  // namespace
}  // namespace bulkmsg
