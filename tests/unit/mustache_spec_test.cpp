// The official Mustache spec suite (tests/data/mustache-spec) against our renderer. Required specs
// must all pass; the optional `~` specs are reported (lambdas need code in the data, which JSON cannot carry).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "domain/template_renderer.hpp"

namespace bulkmsg::domain {
namespace {

const std::filesystem::path kSpecDir = std::filesystem::path(BULKMSG_SOURCE_DIR) / "tests/data/mustache-spec";

struct SpecResult {
    int passed = 0;
    std::vector<std::string> failures;
};

SpecResult RunSpecFile(const std::string& file) {
    std::ifstream in(kSpecDir / file);
    const auto spec = nlohmann::json::parse(in);
    SpecResult result;
    for (const auto& test : spec.at("tests")) {
        std::map<std::string, std::string> partials;
        if (test.contains("partials")) {
            partials = test.at("partials").get<std::map<std::string, std::string>>();
        }
        std::string error;
        auto tmpl = MustacheTemplate::Parse(test.at("template").get<std::string>(), Escaping::kHtml, error);
        const auto expected = test.at("expected").get<std::string>();
        const auto actual = tmpl ? tmpl->Render(test.at("data"), partials) : "<parse error: " + error + ">";
        if (actual == expected) {
            ++result.passed;
        } else {
            result.failures.push_back(test.at("name").get<std::string>() + ": expected [" + expected + "] got [" +
                                      actual + "]");
        }
    }
    return result;
}

class MustacheSpecTest : public ::testing::TestWithParam<std::string> {};

// Cases kainjow mustache 4.1 (the Debian library we render with) gets wrong, listed so that any other
// failure, or one of these starting to pass, fails the test. Mostly "standalone" line handling: a line holding
// only a comment or a set-delimiter tag should vanish with its newline, and kainjow keeps the whitespace.
const std::set<std::string> kKnownLibraryFailures = {
    "interpolation.json: Dotted Names - Context Precedence",
    "comments.json: Standalone",
    "comments.json: Indented Standalone",
    "comments.json: Standalone Line Endings",
    "comments.json: Standalone Without Previous Line",
    "comments.json: Standalone Without Newline",
    "comments.json: Multiline Standalone",
    "comments.json: Indented Multiline Standalone",
    "delimiters.json: Sections",
    "delimiters.json: Inverted Sections",
    "delimiters.json: Partial Inheritence",
    "delimiters.json: Standalone Tag",
    "delimiters.json: Indented Standalone Tag",
    "delimiters.json: Standalone Line Endings",
    "delimiters.json: Standalone Without Previous Line",
    "delimiters.json: Standalone Without Newline",
    "partials.json: Standalone Line Endings",
    "partials.json: Standalone Without Previous Line",
    "partials.json: Standalone Without Newline",
    "partials.json: Standalone Indentation",
};

TEST_P(MustacheSpecTest, EveryCasePassesExceptTheKnownLibraryGaps) {
    ASSERT_TRUE(std::filesystem::exists(kSpecDir / GetParam())) << kSpecDir / GetParam();
    const auto result = RunSpecFile(GetParam());
    EXPECT_GT(result.passed, 0);
    std::set<std::string> failed;
    for (const auto& failure : result.failures) {
        const auto name = GetParam() + ": " + failure.substr(0, failure.find(": expected ["));
        failed.insert(name);
        EXPECT_TRUE(kKnownLibraryFailures.contains(name)) << failure;
    }
    for (const auto& known : kKnownLibraryFailures) {
        if (known.starts_with(GetParam() + ": ")) {
            EXPECT_TRUE(failed.contains(known)) << known << " passes now: remove it from kKnownLibraryFailures";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Spec, MustacheSpecTest,
                         ::testing::Values("interpolation.json", "sections.json", "inverted.json", "comments.json",
                                           "delimiters.json", "partials.json"),
                         [](const auto& param_info) { return param_info.param.substr(0, param_info.param.find('.')); });

// Optional specs: kainjow 4.1 implements neither dynamic names nor inheritance; 5 dynamic-name cases pass
// only because they expect the tag to render empty. Pinned so a library upgrade shows up here.
TEST(MustacheSpecOptional, DynamicNamesAndInheritanceAreNotSupported) {
    const auto dynamic = RunSpecFile("~dynamic-names.json");
    EXPECT_EQ(dynamic.passed, 5);
    EXPECT_EQ(dynamic.failures.size(), 16u);
    const auto inheritance = RunSpecFile("~inheritance.json");
    EXPECT_EQ(inheritance.passed, 0);
    EXPECT_EQ(inheritance.failures.size(), 27u);
}

TEST(MustacheTemplateTest, EscapesForHtmlOnlyWhenAsked) {
    std::string error;
    auto html = MustacheTemplate::Parse("Hi {{name}} {{{name}}}", Escaping::kHtml, error);
    auto text = MustacheTemplate::Parse("Hi {{name}}", Escaping::kNone, error);
    ASSERT_TRUE(html && text);
    const nlohmann::json data = {{"name", "<Ana & Bo>"}};
    EXPECT_EQ(html->Render(data), "Hi &lt;Ana &amp; Bo&gt; <Ana & Bo>");
    EXPECT_EQ(text->Render(data), "Hi <Ana & Bo>");
}

TEST(MustacheTemplateTest, MissingVariablesRenderEmptyAndNumbersPrint) {
    std::string error;
    auto tmpl = MustacheTemplate::Parse("{{a}}|{{missing}}|{{n}}|{{#flag}}yes{{/flag}}", Escaping::kNone, error);
    ASSERT_TRUE(tmpl);
    EXPECT_EQ(tmpl->Render({{"a", "x"}, {"n", 42}, {"flag", true}}), "x||42|yes");
}

TEST(MustacheTemplateTest, SyntaxErrorsAreReportedWithTheParsersMessage) {
    std::string error;
    EXPECT_FALSE(MustacheTemplate::Parse("Hello {{#open}} never closed", Escaping::kNone, error));
    EXPECT_NE(error.find("open"), std::string::npos) << error;
    EXPECT_FALSE(MustacheTemplate::Parse("Hello {{name", Escaping::kNone, error));
    EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace bulkmsg::domain
