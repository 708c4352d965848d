#include "domain/list_unsubscribe.hpp"

#include <gtest/gtest.h>

#include "domain/message_renderer.hpp"
#include "domain/providers/sendgrid_protocol.hpp"

namespace bulkmsg::domain {
namespace {

const UnsubscribeLinks kLinks{"https://mail.example.org", {"current-secret-0123456789", ""}, ""};

CampaignContent Marketing() {
    CampaignContent campaign;
    campaign.id = 42;
    campaign.kind = Channel::kEmail;
    campaign.subject = "Sale";
    campaign.text = "Hi {{user_ref}}. Unsubscribe: {{unsubscribe_url}}";
    return campaign;
}

nlohmann::json Render(const CampaignContent& campaign, const UnsubscribeLinks& links) {
    MessageRenderer renderer(campaign, {"news@example.com", "+15005550006"}, links);
    return nlohmann::json::parse(renderer.Payload({"ana@example.com", Channel::kEmail, "UTC", {}}, 7));
}

nlohmann::json SendgridBody(const nlohmann::json& payload) {
    OutboundMessage message;
    message.outbox_id = 1;
    message.campaign_id = 42;
    message.idempotency_key = std::string(64, 'a');
    message.user_ref = "ana@example.com";
    message.payload = payload;
    return nlohmann::json::parse(BuildSendgridRequest(message, {"http://127.0.0.1:1", "SG.key", "News"}).body);
}

TEST(ListUnsubscribeTest, SendgridPersonalizationCarriesTheExactHeaders) {
    const auto payload = Render(Marketing(), kLinks);
    const auto url = "https://mail.example.org/u/" + IssueUnsubscribeToken({Channel::kEmail, 42, 7}, kLinks.keys);
    const auto body = SendgridBody(payload);
    const nlohmann::json expected = {{"List-Unsubscribe", "<" + url + ">"},
                                     {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
                                     {"List-Id", "campaign 42 <campaign-42.mail.example.org>"}};
    EXPECT_EQ(body["personalizations"][0]["headers"], expected);
    EXPECT_EQ(body["content"][0]["value"], "Hi ana@example.com. Unsubscribe: " + url);
}

TEST(ListUnsubscribeTest, ListsTheMailtoWhenConfigured) {
    auto links = kLinks;
    links.mailto = "unsubscribe@example.org";
    links.base_url = "https://mail.example.org:8443/bulk";
    const auto headers = SendgridBody(Render(Marketing(), links))["personalizations"][0]["headers"];
    const auto url =
        "https://mail.example.org:8443/bulk/u/" + IssueUnsubscribeToken({Channel::kEmail, 42, 7}, links.keys);
    EXPECT_EQ(headers["List-Unsubscribe"], "<" + url + ">, <mailto:unsubscribe@example.org?subject=unsubscribe>");
    EXPECT_EQ(headers["List-Id"], "campaign 42 <campaign-42.mail.example.org>");
}

TEST(ListUnsubscribeTest, TransactionalAndUnconfiguredCampaignsGetNoHeaders) {
    auto receipt = Marketing();
    receipt.transactional = true;
    for (const auto& payload : {Render(receipt, kLinks), Render(Marketing(), {})}) {
        EXPECT_FALSE(payload.contains("headers"));
        const auto body = SendgridBody(payload);
        EXPECT_FALSE(body["personalizations"][0].contains("headers"));
        EXPECT_EQ(body["content"][0]["value"], "Hi ana@example.com. Unsubscribe: ");
    }
}

TEST(ListUnsubscribeTest, LinksOfAConfiguration) {
    Config config;
    config.public_base_url = "https://api.example.org";
    config.unsubscribe = {"current-secret-0123456789", "old-secret-0123456789abc", "u@example.org"};
    const auto links = UnsubscribeLinksOf(config);
    EXPECT_TRUE(links.Enabled());
    EXPECT_EQ(links.keys.previous, "old-secret-0123456789abc");
    EXPECT_EQ(links.mailto, "u@example.org");
    EXPECT_FALSE(UnsubscribeLinksOf(Config{}).Enabled());
}

}  // namespace
}  // namespace bulkmsg::domain
