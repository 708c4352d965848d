// The fixture of the campaign API's integration tests (campaign_api_test.cpp, campaign_upload_test.cpp,
// campaign_delivery_api_test.cpp): a `bulkmsg api` process on a throw-away database, driven over HTTP, every
// response recorded for the OpenAPI check (tests/CMakeLists.txt, API_TESTS).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/api_process.hpp"
#include "support/outbox_fixture.hpp"
#include "support/raw_http.hpp"
#include "support/response_log.hpp"

/// The names the three test files use: `using namespace campaign_api;` brings them all.
namespace bulkmsg::campaign_api {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Json = nlohmann::json;

struct Reply {
    unsigned status = 0;
    Json body;
};

class CampaignApiTest : public ::testing::Test {
protected:
    void SetUp() override { Start({}); }

    void Start(std::map<std::string, std::string> overrides) {
        overrides["DB_NAME"] = db_.Config().name;
        testing::ApiProcess started(overrides);
        port_ = started.port;
        key_ = started.key;
        api_ = std::move(started.process);
    }

    Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
               const std::string& type = "application/json", const std::optional<std::string>& key = std::nullopt,
               const std::string& extra_headers = "") {
        std::string request =
            method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra_headers;
        const auto auth = key.value_or(key_);
        if (!auth.empty()) {
            request += "Authorization: Bearer " + auth + "\r\n";
        }
        if (!body.empty() || method == "POST") {
            request += "Content-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
        }
        const auto response = testing::SendRawHttp(port_, request + "\r\n" + body);
        testing::RecordResponse(method, path, response);
        return {response.status, Json::parse(response.body, nullptr, false)};
    }
    std::uint64_t CreateCampaign(
        const Json& body = {{"name", "Welcome"},
                            {"kind", "email"},
                            {"template", {{"subject", "Hi {{first_name}}"}, {"text", "Hello {{first_name}}"}}}}) {
        const auto reply = Call("POST", "/api/v1/campaigns", body.dump());
        EXPECT_EQ(reply.status, 201u) << reply.body;
        return reply.body.value("id", 0ULL);
    }
    std::vector<std::string> ErrorFields(const Reply& reply) {
        std::vector<std::string> fields;
        for (const auto& d : reply.body["error"]["details"]) {
            fields.push_back(d.at("field"));
        }
        return fields;
    }

    testing::MigratedDatabase db_;
    unsigned short port_ = 0;
    std::string key_;
    std::unique_ptr<testing::ChildProcess> api_;
};

}  // namespace bulkmsg::campaign_api
