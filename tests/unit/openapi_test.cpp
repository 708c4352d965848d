// api/openapi.yaml documents exactly the routes the API serves, and every documented route reaches a handler.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "app/campaign_api.hpp"
#include "support/fake_clock.hpp"

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

// Knows one API key and no campaign: enough to see that a request reaches its handler.
class EmptyStore final : public CampaignStore {
public:
    CreateResult CreateCampaign(const domain::NewCampaign&, const std::optional<IdempotentRequest>&,
                                const std::string&) override {
        return {};
    }
    std::optional<CampaignRecord> GetCampaign(std::uint64_t) override { return std::nullopt; }
    std::vector<CampaignRecord> ListCampaigns(std::uint64_t, std::size_t, const std::optional<std::string>&) override {
        return {};
    }
    TargetInsertResult InsertTargets(std::uint64_t, const std::vector<domain::Target>&) override { return {}; }
    CampaignCounts Counts(std::uint64_t) override { return {}; }
    std::vector<MessageRecord> ListMessages(std::uint64_t, const std::optional<std::string>&, std::uint64_t,
                                            std::size_t) override {
        return {};
    }
    bool Transition(std::uint64_t, const std::vector<std::string>&, const std::string&, const AuditNote&,
                    std::optional<domain::TimePoint>) override {
        return false;
    }
    void RecordEvent(std::uint64_t, const AuditNote&) override {}
    std::vector<CampaignEvent> ListEvents(std::uint64_t, std::uint64_t, std::size_t) override { return {}; }
    std::uint64_t CancelUnsent(std::uint64_t) override { return 0; }
    bool AddSuppression(const Suppression&) override { return true; }
    bool RemoveSuppression(const std::string&, const std::string&) override { return false; }
    std::vector<Suppression> ListSuppressions(const std::optional<std::string>&, std::uint64_t, std::size_t) override {
        return {};
    }
    std::optional<std::string> ApiKeyName(const std::string&) override { return "tests"; }
};

TEST(OpenApiTest, DocumentsExactlyTheServedRoutes) {
    const auto served = CampaignApi::Routes();
    const std::set<std::pair<std::string, std::string>> served_set(served.begin(), served.end());
    EXPECT_EQ(served_set.size(), served.size()) << "a route is served twice";
    EXPECT_EQ(DocumentedRoutes(), served_set);
}

TEST(OpenApiTest, EveryDocumentedRouteReachesAHandler) {
    EmptyStore store;
    testing::FakeClock clock;
    CampaignApi api(store, clock);
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
