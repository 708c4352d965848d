// .env.example is the documented source of every variable's default; the compiled defaults must match it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "domain/config.hpp"
#include "domain/env_file.hpp"

namespace bulkmsg::domain {
namespace {

EnvVars ReadExample() {
    std::ifstream in(std::string(BULKMSG_SOURCE_DIR) + "/.env.example");
    std::stringstream text;
    text << in.rdbuf();
    return ParseEnvFile(text.str());
}

TEST(EnvExampleTest, ListsEveryVariableWithItsCompiledDefault) {
    auto example = ReadExample();
    ASSERT_FALSE(example.empty());
    for (const auto& spec : ConfigVariables()) {
        ASSERT_TRUE(example.contains(spec.name)) << spec.name << " is missing from .env.example";
        EXPECT_EQ(example[spec.name], spec.default_value) << spec.name;
    }
}

TEST(EnvExampleTest, HasNoUnknownVariablesExceptLocalStackSettings) {
    std::map<std::string, bool> known;
    for (const auto& spec : ConfigVariables()) {
        known[spec.name] = true;
    }
    for (const auto& [name, value] : ReadExample()) {
        EXPECT_TRUE(known.contains(name) || name.starts_with("STACK_")) << name << " is not read by bulkmsg";
    }
}

}  // namespace
}  // namespace bulkmsg::domain
