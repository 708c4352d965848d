#include "api/ops_routes.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/version.hpp"

namespace bulkmsg::app {
using api::OpsRoutes;

namespace {

HttpRequest Get(const std::string& path) {
    return {"GET", path, "", {}, ""};
}

std::string Reached() {
    return "";
}

ReadinessReport AllReady() {
    return CheckReadiness({{"mysql", Reached}, {"redis", Reached}});
}

ReadinessReport MysqlDown() {
    return CheckReadiness(
        {{"mysql", []() -> std::string { throw std::runtime_error("connection refused"); }}, {"redis", Reached}});
}

TEST(OpsRoutesTest, HealthReportsRoleAndVersion) {
    OpsRoutes routes("poller", AllReady);
    auto response = routes.Handle(Get("/health"));
    EXPECT_EQ(response.status, 200u);
    auto body = nlohmann::json::parse(response.body);
    EXPECT_EQ(body["status"], "ok");
    EXPECT_EQ(body["role"], "poller");
    EXPECT_EQ(body["version"], kVersion);
}

TEST(OpsRoutesTest, LiveIsAlways200) {
    OpsRoutes routes("api", MysqlDown);
    EXPECT_EQ(routes.Handle(Get("/live")).status, 200u);
}

TEST(OpsRoutesTest, ReadyIs200WhenEveryDependencyIsUp) {
    OpsRoutes routes("api", AllReady);
    auto response = routes.Handle(Get("/ready"));
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(nlohmann::json::parse(response.body)["checks"]["mysql"]["ok"], true);
}

TEST(OpsRoutesTest, ReadySaysWhichWebhooksAreOn) {
    OpsRoutes routes("api", AllReady, nullptr, {{"sendgrid", true}, {"twilio", false}});
    const auto body = nlohmann::json::parse(routes.Handle(Get("/ready")).body);
    EXPECT_EQ(body["webhooks"], (nlohmann::json{{"sendgrid", true}, {"twilio", false}}));
    EXPECT_FALSE(nlohmann::json::parse(OpsRoutes("poller", AllReady).Handle(Get("/ready")).body).contains("webhooks"));
}

TEST(OpsRoutesTest, ReadyIs503NamingTheFailedDependency) {
    OpsRoutes routes("api", MysqlDown);
    auto response = routes.Handle(Get("/ready"));
    EXPECT_EQ(response.status, 503u);
    auto body = nlohmann::json::parse(response.body);
    EXPECT_EQ(body["status"], "not_ready");
    EXPECT_EQ(body["checks"]["mysql"]["ok"], false);
    EXPECT_EQ(body["checks"]["mysql"]["error"], "connection refused");
    EXPECT_EQ(body["checks"]["redis"]["ok"], true);
}

TEST(OpsRoutesTest, ReadyNamesTheEndpointACheckReached) {
    OpsRoutes routes("consumer", [] {
        return CheckReadiness({{"mysql", Reached}, {"rabbitmq", [] { return std::string("127.0.0.1:15673"); }}});
    });
    auto body = nlohmann::json::parse(routes.Handle(Get("/ready")).body);
    EXPECT_EQ(body["checks"]["rabbitmq"], (nlohmann::json{{"ok", true}, {"endpoint", "127.0.0.1:15673"}}));
    EXPECT_FALSE(body["checks"]["mysql"].contains("endpoint"));
}

TEST(OpsRoutesTest, UnknownPathAndWrongMethodGetJsonErrors) {
    OpsRoutes routes("api", AllReady);
    auto not_found = routes.Handle(Get("/nope"));
    EXPECT_EQ(not_found.status, 404u);
    EXPECT_EQ(nlohmann::json::parse(not_found.body)["error"]["code"], "not_found");
    auto wrong_method = routes.Handle({"POST", "/health", "", {}, ""});
    EXPECT_EQ(wrong_method.status, 405u);
    EXPECT_EQ(nlohmann::json::parse(wrong_method.body)["error"]["code"], "method_not_allowed");
}

}  // namespace
}  // namespace bulkmsg::app
