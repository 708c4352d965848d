#include "domain/campaign_request.hpp"

#include <gtest/gtest.h>

namespace bulkmsg::domain {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> Fields(const nlohmann::json& body) {
    std::vector<FieldError> errors;
    EXPECT_FALSE(ParseNewCampaign(body, errors));
    std::vector<std::string> fields;
    for (const auto& e : errors) {
        fields.push_back(e.field);
    }
    return fields;
}

TEST(CampaignRequestTest, AcceptsAFullEmailCampaign) {
    std::vector<FieldError> errors;
    const auto campaign = ParseNewCampaign(
        {{"name", "Welcome"},
         {"kind", "email"},
         {"from", "news@example.com"},
         {"scheduled_at", "2030-01-01T09:00:00.5+09:00"},
         {"send_window", {{"local_time", "09:30"}}},
         {"template", {{"subject", "Hi {{n}}"}, {"text", "T"}, {"html", "<p>{{n}}</p>"}, {"data", {{"k", "v"}}}}}},
        errors);
    ASSERT_TRUE(campaign) << errors.at(0).field;
    EXPECT_EQ(campaign->content.kind, Channel::kEmail);
    EXPECT_EQ(campaign->content.from, "news@example.com");
    EXPECT_EQ(FormatRfc3339(*campaign->scheduled_at), "2030-01-01T00:00:00.500000Z");
    EXPECT_EQ(campaign->content.send_window, (SendWindow{std::chrono::minutes(9 * 60 + 30), std::nullopt}));
}

TEST(CampaignRequestTest, SmsCampaignsTakeQuietHoursOrAnExplicitNullWhenTransactional) {
    std::vector<FieldError> errors;
    const nlohmann::json sms = {{"name", "s"}, {"kind", "sms"}, {"template", {{"text", "x"}}}};
    auto custom = sms;
    custom["quiet_hours"] = {{"start", "09:00"}, {"end", "20:00"}};
    const auto windowed = ParseNewCampaign(custom, errors);
    ASSERT_TRUE(windowed) << errors.at(0).field;
    ASSERT_TRUE(windowed->content.quiet_hours);
    auto receipts = sms;
    receipts["transactional"] = true;
    receipts["quiet_hours"] = nullptr;
    const auto unrestricted = ParseNewCampaign(receipts, errors);
    ASSERT_TRUE(unrestricted) << errors.at(0).field;
    EXPECT_FALSE(unrestricted->content.quiet_hours);
    auto marketing = sms;
    marketing["quiet_hours"] = nullptr;
    EXPECT_EQ(Fields(marketing), (std::vector<std::string>{"quiet_hours"}));
}

TEST(CampaignRequestTest, ReportsEveryProblemByField) {
    EXPECT_EQ(Fields({{"kind", "email"}, {"template", {{"text", "x"}}}}),
              (std::vector<std::string>{"name", "template.subject"}));
    EXPECT_EQ(Fields({{"name", "p"}, {"kind", "push"}, {"template", {{"text", "x"}, {"data", {{"n", 1}}}}}}),
              (std::vector<std::string>{"template.title", "template.data"}));
    EXPECT_EQ(Fields({{"name", "s"}, {"kind", "sms"}, {"from", "not-a-number"}, {"template", {{"text", "{{/x}}"}}}}),
              (std::vector<std::string>{"template.text", "from"}));
    EXPECT_EQ(Fields({{"name", "s"}, {"kind", "sms"}, {"template", "text"}, {"send_window", {{"local_time", "9"}}}}),
              (std::vector<std::string>{"template", "send_window.local_time"}));
    EXPECT_EQ(Fields({{"name", std::string(256, 'n')}, {"kind", "sms"}, {"template", {{"text", "x"}}}}),
              (std::vector<std::string>{"name", "name"}));
    EXPECT_EQ(Fields(nlohmann::json::array()), (std::vector<std::string>{"body"}));
}

TEST(CampaignRequestTest, Rfc3339Timestamps) {
    const auto base = ParseRfc3339("2026-03-08T07:00:00Z");
    ASSERT_TRUE(base);
    EXPECT_EQ(ParseRfc3339("2026-03-08T02:00:00-05:00"), base);
    EXPECT_EQ(ParseRfc3339("2026-03-08T16:00:00+09:00"), base);
    EXPECT_EQ(*ParseRfc3339("2026-03-08T07:00:00.25Z") - *base, 250ms);
    for (const char* bad : {"2026-03-08", "2026-03-08 07:00:00Z", "2026-02-30T00:00:00Z", "2026-03-08T24:00:00Z",
                            "2026-03-08T07:00:00", "2026-03-08T07:00:00+9", "2026-03-08T07:00:00Zjunk", "tomorrow"}) {
        EXPECT_FALSE(ParseRfc3339(bad)) << bad;
    }
    EXPECT_EQ(FormatRfc3339(*base), "2026-03-08T07:00:00.000000Z");
}

}  // namespace
}  // namespace bulkmsg::domain
