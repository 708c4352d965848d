// One-click unsubscribe (RFC 8058) as deployed: email campaigns prepared with unsubscribe links into a throw-away
// database, the links' tokens used against a `bulkmsg api` process.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/mysql/mysql_preparation_store.hpp"
#include "app/campaign_preparer.hpp"
#include "domain/list_unsubscribe.hpp"
#include "domain/providers/sendgrid_protocol.hpp"
#include "support/outbox_fixture.hpp"
#include "support/raw_http.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

class UnsubscribeTest : public ::testing::Test {
protected:
    void SetUp() override {
        port_ = testing::FreePort();
        env_ = testing::BulkmsgEnv({{"DB_NAME", db_.Config().name}, {"EXPRESS_APP_PORT", std::to_string(port_)}});
        api_ = std::make_unique<testing::ChildProcess>(std::vector<std::string>{BULKMSG_BINARY, "api"}, env_,
                                                       testing::EmptyWorkDir());
        ASSERT_TRUE(testing::WaitUntil([&] { return testing::HttpGet(port_, "/live").status == 200; }, 10s, 50ms))
            << api_->OutputSoFar();
    }

    /// A running email campaign prepared with the API's unsubscribe links for ana and bo.
    std::uint64_t RunningCampaign() {
        const auto campaign = db_.InsertCampaign("preparing");
        const auto id = std::to_string(campaign);
        db_.Sql().Execute(
            "UPDATE campaigns SET template_subject='Sale', template_text='Bye: {{unsubscribe_url}}' "
            "WHERE id=" +
            id);
        db_.Sql().Execute("INSERT INTO campaign_targets (campaign_id, user_ref, kind) VALUES (" + id +
                          ",'ana@example.com','email'),(" + id + ",'bo@example.com','email')");
        mysql::MysqlPreparationStore store(db_.Config());
        app::CampaignPreparer preparer(store, {"noreply@example.com", "+15005550006"}, 1000, 24h, Links());
        EXPECT_EQ(preparer.Prepare(campaign, domain::Clock::now()).inserted, 2u);
        db_.Sql().Execute("UPDATE campaigns SET status='running' WHERE id=" + id);
        return campaign;
    }
    domain::UnsubscribeLinks Links() const {
        return {env_.at("PUBLIC_BASE_URL"), {env_.at("UNSUBSCRIBE_SECRET"), ""}, ""};
    }
    Json Payload(std::uint64_t campaign, const std::string& address) {
        return Json::parse(db_.Value("SELECT payload FROM outbox WHERE campaign_id=" + std::to_string(campaign) +
                                     " AND user_ref='" + address + "'"));
    }
    testing::RawHttpResponse Send(const std::string& method, const std::string& path, const std::string& body = "") {
        return testing::SendRawHttp(port_, method + " " + path +
                                               " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                               "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                                               std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    std::string Written() {
        return db_.Value(
            "SELECT CONCAT((SELECT COUNT(*) FROM suppressions), '/', (SELECT COUNT(*) FROM outbox WHERE "
            "status='suppressed'), '/', (SELECT COUNT(*) FROM campaign_events))");
    }

    testing::MigratedDatabase db_;
    unsigned short port_ = 0;
    std::map<std::string, std::string> env_;
    std::unique_ptr<testing::ChildProcess> api_;
};

TEST_F(UnsubscribeTest, EveryMailCarriesBothHeadersWithATokenOfItsRecipient) {
    const auto campaign = RunningCampaign();
    for (const auto* address : {"ana@example.com", "bo@example.com"}) {
        domain::OutboundMessage message;
        message.user_ref = address;
        message.payload = Payload(campaign, address);
        const auto headers = Json::parse(
            domain::BuildSendgridRequest(message, {"http://sim", "SG.k", ""}).body)["personalizations"][0]["headers"];
        EXPECT_EQ(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
        const auto link = headers["List-Unsubscribe"].get<std::string>();
        const auto prefix = "<" + env_.at("PUBLIC_BASE_URL") + "/u/";
        ASSERT_EQ(link.rfind(prefix, 0), 0u) << link;
        const auto token = link.substr(prefix.size(), link.size() - prefix.size() - 1);
        const auto subject = domain::VerifyUnsubscribeToken(token, Links().keys);
        ASSERT_TRUE(subject) << token;
        EXPECT_EQ(subject->campaign_id, campaign);
        EXPECT_EQ(db_.Value("SELECT user_ref FROM campaign_targets WHERE id=" + std::to_string(subject->target_id)),
                  address);
        EXPECT_NE(message.payload["text"].get<std::string>().find(token), std::string::npos);  // {{unsubscribe_url}}
    }
}

TEST_F(UnsubscribeTest, OneClickSuppressesTheAddressEverywhereAndGetOrForgeriesWriteNothing) {
    const auto first = RunningCampaign();
    const auto second = RunningCampaign();
    const auto link = Payload(first, "ana@example.com")["headers"]["List-Unsubscribe"].get<std::string>();
    const auto path = link.substr(link.find("/u/"), link.size() - link.find("/u/") - 1);
    const auto before = Written();

    const auto page = Send("GET", path);
    EXPECT_EQ(page.status, 200u);
    EXPECT_NE(page.body.find("<form method=\"post\">"), std::string::npos);
    auto forged = path;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    EXPECT_EQ(Send("POST", forged, "List-Unsubscribe=One-Click").status, 400u);
    EXPECT_EQ(Send("GET", forged).status, 400u);
    EXPECT_EQ(Send("POST", path, "").status, 400u);
    EXPECT_EQ(Written(), before);

    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(Send("POST", path, "List-Unsubscribe=One-Click").status, 200u);
    }
    EXPECT_EQ(db_.Value("SELECT CONCAT(channel, ' ', address, ' ', source, ' ', campaign_id) FROM suppressions"),
              "email ana@example.com one-click " + std::to_string(first));
    EXPECT_EQ(db_.Count("status='suppressed' AND user_ref='ana@example.com'"), 2u);  // both campaigns
    EXPECT_EQ(db_.Count("status='pending' AND user_ref='bo@example.com'"), 2u);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaign_events WHERE event='recipient_suppressed' AND campaign_id IN (" +
                        std::to_string(first) + "," + std::to_string(second) + ")"),
              "2");
}

}  // namespace
}  // namespace bulkmsg
