// The HTTP layer with in-memory stores: authentication, the error policy (503 naming a dependency that is down,
// never a 500 for it), query parsing and a handler's mapping of a use case's result.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/http_api.hpp"
#include "support/fake_clock.hpp"
#include "support/in_memory_feedback_store.hpp"
#include "support/in_memory_session_stores.hpp"
#include "support/in_memory_stores.hpp"

namespace bulkmsg::api {
namespace {

using Json = nlohmann::json;

class HttpApiTest : public ::testing::Test {
protected:
    HttpApiTest() { keys_.Add("good-key", "tests"); }

    app::HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                           const std::string& key = "good-key") {
        app::HttpRequest request{method, target, "", {{"content-type", "application/json"}}, body};
        if (const auto q = target.find('?'); q != std::string::npos) {
            request.path = target.substr(0, q);
            request.query = target.substr(q + 1);
        }
        if (!key.empty()) {
            request.headers["authorization"] = "Bearer " + key;
        }
        return api_.Handle(request);
    }
    static Json Body(const app::HttpResponse& response) { return Json::parse(response.body); }

    testing::InMemoryCampaignStore campaigns_;
    testing::InMemoryTargetStore targets_;
    testing::InMemoryMessageStore messages_;
    testing::InMemorySuppressionStore suppressions_;
    testing::InMemoryApiKeyStore keys_;
    testing::InMemoryFeedbackStore feedback_;
    testing::FakeClock clock_;
    testing::InMemorySessionStores login_;
    HttpApi api_{{campaigns_, targets_, messages_, suppressions_, keys_, feedback_, login_.users, login_.sessions,
                  login_.attempts},
                 clock_,
                 login_.random,
                 nullptr,
                 nullptr,
                 {}};
};

TEST_F(HttpApiTest, RequestsWithoutAValidKeyGet401) {
    EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", "").status, 401u);
    const auto wrong = Call("GET", "/api/v1/campaigns", "", "bad-key");
    EXPECT_EQ(wrong.status, 401u);
    EXPECT_EQ(Body(wrong)["error"]["code"], "unauthorized");
}

// The dashboard's files need no key or session (they hold no data); its API calls do.
TEST_F(HttpApiTest, TheDashboardIsServedWithoutAKeyButItsDataIsNot) {
    EXPECT_TRUE(api_.Owns("/") && api_.Owns("/assets/js/main.js"));
    const auto page = Call("GET", "/", "", "");
    EXPECT_EQ(page.status, 200u);
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(Call("GET", "/assets/js/main.js", "", "").status, 200u);
    EXPECT_EQ(Call("GET", "/assets/missing.js", "", "").status, 404u);
    EXPECT_EQ(Call("GET", "/api/v1/suppressions", "", "").status, 401u);
}

TEST_F(HttpApiTest, ADatabaseThatIsDownIsA503NamingItWithRetryAfter) {
    const auto id = campaigns_.Add(domain::CampaignStatus::kRunning);
    messages_.down = "database";
    const auto response = Call("GET", "/api/v1/campaigns/" + std::to_string(id) + "/progress");
    EXPECT_EQ(response.status, 503u);
    const auto body = Body(response);
    EXPECT_EQ(body["error"]["code"], "unavailable");
    EXPECT_EQ(body["error"]["details"][0]["dependency"], "database");
    EXPECT_NE(std::find(response.headers.begin(), response.headers.end(),
                        std::pair<std::string, std::string>("Retry-After", "5")),
              response.headers.end());
    keys_.down = "database";
    EXPECT_EQ(Call("GET", "/api/v1/campaigns").status, 503u);
}

TEST_F(HttpApiTest, AStepMapsToTheCampaignA409OrA404) {
    const auto running = campaigns_.Add(domain::CampaignStatus::kRunning);
    const auto paused = Call("POST", "/api/v1/campaigns/" + std::to_string(running) + "/pause");
    EXPECT_EQ(paused.status, 200u);
    EXPECT_EQ(Body(paused)["status"], "paused");
    const auto again = Call("POST", "/api/v1/campaigns/" + std::to_string(running) + "/pause");
    EXPECT_EQ(again.status, 409u);
    EXPECT_EQ(Body(again)["error"]["message"], "cannot pause a campaign that is paused");
    EXPECT_EQ(Call("POST", "/api/v1/campaigns/77/pause").status, 404u);
    EXPECT_EQ(Call("POST", "/api/v1/campaigns/x7/pause").status, 400u);
    EXPECT_EQ(Call("PUT", "/api/v1/campaigns/7/pause").status, 405u);
}

TEST_F(HttpApiTest, QueryParametersArePercentDecodedKeepingPlusAndBadOnesAre400) {
    suppressions_.AddSuppression({0, domain::Channel::kSms, "+15005550006", ""});
    EXPECT_EQ(Call("DELETE", "/api/v1/suppressions?channel=sms&address=%2B15005550006").status, 204u);
    suppressions_.AddSuppression({0, domain::Channel::kSms, "+15005550006", ""});
    EXPECT_EQ(Call("DELETE", "/api/v1/suppressions?channel=sms&address=+15005550006").status, 204u);
    const auto bad = Call("GET", "/api/v1/campaigns?status=%zz");
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(Body(bad)["error"]["code"], "invalid_query");
    const auto unknown = Call("GET", "/api/v1/campaigns?status=sleeping");
    EXPECT_EQ(Body(unknown)["error"]["message"],
              "status must be one of draft, scheduled, preparing, running, paused, completed, cancelled, failed");
}

TEST_F(HttpApiTest, AnInvalidBodyNamesTheFieldAndWritesNothing) {
    const auto response = Call("POST", "/api/v1/suppressions", R"({"channel":"sms","address":"12","extra":1})");
    EXPECT_EQ(response.status, 422u) << response.body;
    std::set<std::string> fields;
    const auto body = Body(response);
    for (const auto& d : body["error"]["details"]) {
        fields.insert(d["field"]);
    }
    EXPECT_EQ(fields, (std::set<std::string>{"address", "extra"}));
    EXPECT_TRUE(suppressions_.ListSuppressions(std::nullopt, "", 0, 10).empty());
    EXPECT_EQ(Call("POST", "/api/v1/suppressions", "{not json").status, 400u);
}

TEST_F(HttpApiTest, MarketingEmailNeedsPublishedUnsubscribeLinks) {
    const Json marketing = {{"name", "sale"}, {"kind", "email"}, {"template", {{"subject", "s"}, {"text", "t"}}}};
    const auto refused = Call("POST", "/api/v1/campaigns", marketing.dump());
    EXPECT_EQ(refused.status, 422u) << refused.body;
    EXPECT_EQ(Body(refused)["error"]["details"][0]["field"], "transactional");
    EXPECT_NE(Body(refused)["error"]["details"][0]["reason"].get<std::string>().find("PUBLIC_BASE_URL"),
              std::string::npos);
    EXPECT_FALSE(campaigns_.GetCampaign(1));

    auto receipt = marketing;
    receipt["transactional"] = true;
    const auto created = Call("POST", "/api/v1/campaigns", receipt.dump());
    EXPECT_EQ(created.status, 201u) << created.body;
    EXPECT_EQ(Body(created)["transactional"], true);

    ApiSettings settings;
    settings.unsubscribe = {"https://api.example.org", {"unsubscribe-secret-0123456789", ""}, ""};
    HttpApi published{{campaigns_, targets_, messages_, suppressions_, keys_, feedback_, login_.users, login_.sessions,
                       login_.attempts},
                      clock_,
                      login_.random,
                      nullptr,
                      nullptr,
                      settings};
    app::HttpRequest request{"POST", "/api/v1/campaigns", "", {{"content-type", "application/json"}}, marketing.dump()};
    request.headers["authorization"] = "Bearer good-key";
    const auto accepted = published.Handle(request);
    EXPECT_EQ(accepted.status, 201u) << accepted.body;
    EXPECT_EQ(Body(accepted)["transactional"], false);
}

TEST_F(HttpApiTest, OnlyTheUploadRouteStreamsItsBody) {
    EXPECT_TRUE(api_.StreamsBody({"POST", "/api/v1/campaigns/3/targets", "", {}, ""}));
    EXPECT_FALSE(api_.StreamsBody({"GET", "/api/v1/campaigns/3/targets", "", {}, ""}));
    EXPECT_FALSE(api_.StreamsBody({"POST", "/api/v1/campaigns/3/prepare", "", {}, ""}));
    EXPECT_FALSE(api_.StreamsBody({"POST", "/api/v2/campaigns/3/targets", "", {}, ""}));
}

TEST_F(HttpApiTest, TemplatePreviewRendersTheStoredPayloadOrSaysWhereATemplateBreaks) {
    const Json body = {
        {"kind", "email"},
        {"transactional", true},
        {"template", {{"subject", "Hi {{name}}"}, {"text", "Hello {{name}}"}, {"html", "<b>{{name}}</b>"}}},
        {"sample", {{"user_ref", "ada@example.com"}, {"metadata", {{"name", "Ada & Co"}}}}}};
    const auto preview = Call("POST", "/api/v1/templates/preview", body.dump());
    ASSERT_EQ(preview.status, 200u) << preview.body;
    const auto payload = Body(preview)["payload"];
    EXPECT_EQ(Body(preview)["kind"], "email");
    EXPECT_EQ(payload["to"], "ada@example.com");
    EXPECT_EQ(payload["subject"], "Hi Ada & Co");
    EXPECT_EQ(payload["html"], "<b>Ada &amp; Co</b>");
    EXPECT_FALSE(campaigns_.GetCampaign(1)) << "a preview writes nothing";

    auto broken = body;
    broken["template"]["subject"] = "Hi {{name";
    const auto refused = Call("POST", "/api/v1/templates/preview", broken.dump());
    ASSERT_EQ(refused.status, 422u) << refused.body;
    const auto detail = Body(refused)["error"]["details"][0];
    EXPECT_EQ(detail["field"], "template.subject");
    EXPECT_EQ(detail["line"], 1);
    EXPECT_EQ(detail["column"], 4);
}

}  // namespace
}  // namespace bulkmsg::api
