#include <gtest/gtest.h>

#include "domain/config.hpp"

namespace bulkmsg::domain {
namespace {

std::string ErrorOf(const EnvVars& vars) {
    try {
        ParseConfig(vars);
    } catch (const ConfigError& e) {
        return e.Variable() + ": " + e.what();
    }
    return "";
}

TEST(BrokerEndpointsTest, HostsListOverridesHostAndPortInOrder) {
    const auto config = ParseConfig({{"RABBITMQ_HOST", "ignored.example"},
                                     {"RABBITMQ_PORT", "1"},
                                     {"RABBITMQ_HOSTS", "rabbit-1:5672, rabbit-2:5673,10.0.0.3:5674"}});
    const std::vector<BrokerEndpoint> expected = {{"rabbit-1", 5672}, {"rabbit-2", 5673}, {"10.0.0.3", 5674}};
    EXPECT_EQ(config.rabbitmq.endpoints, expected);
    EXPECT_EQ(config.rabbitmq.endpoints[1].Name(), "rabbit-2:5673");
}

TEST(BrokerEndpointsTest, WithoutHostsTheSingleHostAndPortAreTheOnlyEndpoint) {
    const auto config = ParseConfig({{"RABBITMQ_HOST", "broker.internal"}, {"RABBITMQ_PORT", "5672"}});
    EXPECT_EQ(config.rabbitmq.endpoints, (std::vector<BrokerEndpoint>{{"broker.internal", 5672}}));
    EXPECT_EQ(ParseConfig({{"RABBITMQ_HOSTS", ""}}).rabbitmq.endpoints.size(), 1u);
}

TEST(BrokerEndpointsTest, BadEntriesAreConfigErrorsNamingTheVariableAndEntry) {
    for (const char* bad : {"rabbit-1", "rabbit-1:", ":5672", "rabbit-1:0", "rabbit-1:65536", "rabbit-1:56x",
                            "rabbit-1:5672,", ",rabbit-1:5672", "rabbit 1:5672", " ", "a:1,,b:2"}) {
        const auto error = ErrorOf({{"RABBITMQ_HOSTS", bad}});
        EXPECT_TRUE(error.starts_with("RABBITMQ_HOSTS: RABBITMQ_HOSTS")) << bad << " -> " << error;
    }
    EXPECT_NE(ErrorOf({{"RABBITMQ_HOSTS", "a:1,rabbit-1:56x"}}).find("'rabbit-1:56x'"), std::string::npos);
}

TEST(BrokerEndpointsTest, AnEndpointListedTwiceIsRejected) {
    const auto error = ErrorOf({{"RABBITMQ_HOSTS", "a:1,b:2,a:1"}});
    EXPECT_NE(error.find("lists a:1 twice"), std::string::npos) << error;
}

TEST(BrokerEndpointsTest, HostsDefaultsToEmptyAndIsNotSecret) {
    EXPECT_EQ(DefaultValue("RABBITMQ_HOSTS"), "");
    const auto settings = RedactedSettings({{"RABBITMQ_HOSTS", "a:1,b:2"}});
    const auto it = std::find_if(settings.begin(), settings.end(),
                                 [](const auto& setting) { return setting.first == "RABBITMQ_HOSTS"; });
    ASSERT_NE(it, settings.end());
    EXPECT_EQ(it->second, "a:1,b:2");
}

}  // namespace
}  // namespace bulkmsg::domain
