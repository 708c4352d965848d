// api/openapi.yaml documents exactly the routes the API serves, and every documented route reaches a handler.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "api/http_api.hpp"
#include "support/fake_clock.hpp"
#include "support/in_memory_feedback_store.hpp"
#include "support/in_memory_session_stores.hpp"
#include "support/in_memory_stores.hpp"

namespace bulkmsg::app {
namespace {

std::set<std::pair<std::string, std::string>> DocumentedRoutes() {
    const auto spec = YAML::LoadFile(std::string(BULKMSG_SOURCE_DIR) + "/api/openapi.yaml");
    std::set<std::pair<std::string, std::string>> routes;
    for (const auto& path : spec["paths"]) {
        for (const auto& operation : path.second) {
            auto method = operation.first.as<std::string>();
            if (method == "parameters") {
                continue;
            }
            std::transform(method.begin(), method.end(), method.begin(),
                           [](unsigned char c) { return std::toupper(c); });
            routes.emplace(method, path.first.as<std::string>());
        }
    }
    return routes;
}

// No campaign and one API key: enough to see that a request reaches its handler.
struct EmptyApi {
    EmptyApi() { keys.Add("k", "tests"); }
    testing::InMemoryCampaignStore campaigns;
    testing::InMemoryTargetStore targets;
    testing::InMemoryMessageStore messages;
    testing::InMemorySuppressionStore suppressions;
    testing::InMemoryApiKeyStore keys;
    testing::InMemoryFeedbackStore feedback;
    testing::FakeClock clock;
    // Webhooks on, so that their routes answer (unsigned requests are refused, not "no route").
    testing::InMemorySessionStores login;
    api::HttpApi api{
        {campaigns, targets, messages, suppressions, keys, feedback, login.users, login.sessions, login.attempts},
        clock,
        login.random,
        nullptr,
        nullptr,
        {0, 2, {"key", "token", "https://bulkmsg.example"}}};
};

TEST(OpenApiTest, DocumentsExactlyTheServedRoutes) {
    EmptyApi empty;
    const auto served = empty.api.Routes();
    const std::set<std::pair<std::string, std::string>> served_set(served.begin(), served.end());
    EXPECT_EQ(served_set.size(), served.size()) << "a route is served twice";
    EXPECT_EQ(DocumentedRoutes(), served_set);
}

TEST(OpenApiTest, EveryDocumentedRouteReachesAHandler) {
    EmptyApi empty;
    auto& api = empty.api;
    for (const auto& [method, path] : DocumentedRoutes()) {
        auto concrete = path;
        if (const auto at = concrete.find("{id}"); at != std::string::npos) {
            concrete.replace(at, 4, "7");
        }
        const auto response = api.Handle({method, concrete, "", {{"authorization", "Bearer k"}}, ""});
        EXPECT_NE(response.status, 405u) << method << " " << path;
        EXPECT_EQ(response.body.find("no route"), std::string::npos) << method << " " << path << ": " << response.body;
    }
    EXPECT_NE(api.Handle({"GET", "/api/v1/nowhere", "", {{"authorization", "Bearer k"}}, ""}).body.find("no route"),
              std::string::npos);
}

}  // namespace
}  // namespace bulkmsg::app
