// Template previews: the request's validation (campaign and sample rules) and where a template's parse error lies.
#include <gtest/gtest.h>

#include "domain/template_preview.hpp"
#include "domain/template_renderer.hpp"

namespace bulkmsg::domain {
namespace {

using Json = nlohmann::json;

TEST(TemplateErrorPositionTest, TheParsersOffsetBecomesLineAndColumn) {
    std::string error;
    const std::string source = "Hello {{name}}\nYour order {{#items}} is ready";
    ASSERT_FALSE(MustacheTemplate::Parse(source, Escaping::kNone, error));
    const auto at = ErrorPosition(source, error);
    ASSERT_TRUE(at) << error;
    EXPECT_EQ(at->line, 2u);
    EXPECT_EQ(at->column, 12u) << error;  // the unclosed section's tag

    ASSERT_FALSE(MustacheTemplate::Parse("Hi {{name", Escaping::kNone, error));
    EXPECT_EQ(ErrorPosition("Hi {{name", error)->column, 4u) << error;
    EXPECT_FALSE(ErrorPosition("short", "Unclosed tag at 99"));
    EXPECT_FALSE(ErrorPosition("text", "no offset here"));
}

TEST(PreviewRequestTest, TakesTheCampaignRulesWithoutANameAndNeedsASample) {
    const Json body = {{"kind", "sms"},
                       {"template", {{"text", "Hi {{name}}"}}},
                       {"sample", {{"user_ref", "+14155550100"}, {"metadata", {{"name", "Ada"}}}}}};
    std::vector<FieldError> errors;
    const auto request = ParsePreviewRequest(body, errors);
    ASSERT_TRUE(request) << (errors.empty() ? "" : errors[0].field + " " + errors[0].reason);
    EXPECT_EQ(request->content.kind, Channel::kSms);
    EXPECT_EQ(request->sample.user_ref, "+14155550100");
    EXPECT_EQ(request->sample.metadata["name"], "Ada");

    auto broken = body;
    broken["template"]["text"] = "line one\n{{#open}} never closed";
    broken["sample"] = {{"user_ref", "not-a-number"}};
    broken["extra"] = 1;
    errors.clear();
    EXPECT_FALSE(ParsePreviewRequest(broken, errors));
    std::map<std::string, FieldError> by_field;
    for (const auto& e : errors) {
        by_field.emplace(e.field, e);
    }
    ASSERT_TRUE(by_field.contains("template.text"));
    ASSERT_TRUE(by_field.at("template.text").at);
    EXPECT_EQ(by_field.at("template.text").at->line, 2u);
    EXPECT_EQ(by_field.at("template.text").at->column, 1u);
    EXPECT_NE(by_field.at("template.text").reason.find("(line 2, column 1)"), std::string::npos);
    EXPECT_TRUE(by_field.contains("sample.user_ref"));
    EXPECT_TRUE(by_field.contains("extra"));

    errors.clear();
    EXPECT_FALSE(ParsePreviewRequest({{"kind", "email"}, {"template", {{"text", "t"}}}}, errors));
    EXPECT_EQ(errors.back().field, "sample");
}

}  // namespace
}  // namespace bulkmsg::domain
