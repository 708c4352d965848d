// POST /api/v1/templates/preview as deployed: a `bulkmsg api` process with unsubscribe links configured renders a
// marketing email for a sample recipient exactly as preparation would store it, and says where a template breaks.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/api_process.hpp"
#include "support/outbox_fixture.hpp"
#include "support/raw_http.hpp"
#include "support/response_log.hpp"

namespace bulkmsg {
namespace {

using Json = nlohmann::json;

class TemplatePreviewTest : public ::testing::Test {
protected:
    testing::RawHttpResponse Preview(const Json& body) {
        const auto text = body.dump();
        auto response = testing::SendRawHttp(
            api_.port,
            "POST /api/v1/templates/preview HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: "
            "Bearer " +
                api_.key + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(text.size()) +
                "\r\n\r\n" + text);
        testing::RecordResponse("POST", "/api/v1/templates/preview", response);
        return response;
    }

    testing::MigratedDatabase db_;
    testing::ApiProcess api_{{{"DB_NAME", db_.Config().name}, {"EMAIL_FROM", "news@example.com"}}};
};

TEST_F(TemplatePreviewTest, AMarketingMailShowsItsUnsubscribeLinkAndHeadersAndABrokenTemplateItsPosition) {
    const Json body = {{"kind", "email"},
                       {"template", {{"subject", "Sale for {{name}}"}, {"text", "Bye: {{unsubscribe_url}}"}}},
                       {"sample", {{"user_ref", "ana@example.com"}, {"metadata", {{"name", "Ana"}}}}}};
    const auto preview = Preview(body);
    ASSERT_EQ(preview.status, 200u) << preview.body;
    const auto payload = Json::parse(preview.body)["payload"];
    EXPECT_EQ(payload["from"], "news@example.com");
    EXPECT_EQ(payload["subject"], "Sale for Ana");
    const auto text = payload["text"].get<std::string>();
    EXPECT_TRUE(text.starts_with("Bye: http://127.0.0.1:9/u/")) << text;
    EXPECT_EQ(payload["headers"]["List-Unsubscribe"], "<" + text.substr(5) + ">");
    EXPECT_EQ(payload["headers"]["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaigns"), "0");

    auto broken = body;
    broken["template"]["text"] = "Hello\n  {{#offer}}no end";
    const auto refused = Preview(broken);
    ASSERT_EQ(refused.status, 422u) << refused.body;
    const auto detail = Json::parse(refused.body)["error"]["details"][0];
    EXPECT_EQ(detail["field"], "template.text");
    EXPECT_EQ(detail["line"], 2);
    EXPECT_EQ(detail["column"], 3);
}

}  // namespace
}  // namespace bulkmsg
