#include "api/http_api.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/fake_clock.hpp"
#include "support/in_memory_feedback_store.hpp"
#include "support/in_memory_session_stores.hpp"
#include "support/in_memory_stores.hpp"

namespace bulkmsg::api {
namespace {

const domain::UnsubscribeLinks kLinks{"https://api.example.org", {"unsubscribe-secret-0123456789", ""}, ""};
const domain::UnsubscribeSubject kAna{domain::Channel::kEmail, 42, 7};

class UnsubscribeRoutesTest : public ::testing::Test {
protected:
    UnsubscribeRoutesTest() { suppressions_.AddTarget(kAna, "ana@example.com"); }

    app::HttpResponse Call(const std::string& method, const std::string& path, const std::string& body = "") {
        return api_.Handle({method, path, "", {{"content-type", "application/x-www-form-urlencoded"}}, body});
    }
    std::vector<app::Suppression> Suppressed() { return suppressions_.ListSuppressions(std::nullopt, "", 0, 10); }

    testing::InMemoryApiStores stores_;
    testing::InMemorySuppressionStore& suppressions_ = stores_.suppressions;
    testing::InMemoryFeedbackStore feedback_;
    testing::FakeClock clock_;
    testing::InMemorySessionStores login_;
    HttpApi api_{{stores_.campaigns, stores_.targets, stores_.messages, suppressions_, stores_.keys, feedback_,
                  login_.users, login_.sessions, login_.attempts},
                 clock_,
                 login_.random,
                 nullptr,
                 nullptr,
                 {0, 2, {}, kLinks}};
    const std::string path_ = "/u/" + domain::IssueUnsubscribeToken(kAna, kLinks.keys);
};

TEST_F(UnsubscribeRoutesTest, OneClickPostSuppressesTheAddressOnceWithoutAnApiKey) {
    EXPECT_TRUE(api_.Owns(path_));
    for (int i = 0; i < 2; ++i) {
        const auto response = Call("POST", path_, "List-Unsubscribe=One-Click");
        EXPECT_EQ(response.status, 200u) << response.body;
    }
    const auto rows = Suppressed();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].channel, domain::Channel::kEmail);
    EXPECT_EQ(rows[0].address, "ana@example.com");
    EXPECT_EQ(rows[0].source, "one-click");
    EXPECT_EQ(rows[0].campaign_id, std::optional<std::uint64_t>(42));
    EXPECT_EQ(suppressions_.OptOuts(),
              (std::vector<std::string>{"email:ana@example.com:one-click", "email:ana@example.com:one-click"}));
}

TEST_F(UnsubscribeRoutesTest, GetShowsAButtonThatPostsAndWritesNothing) {
    const auto response = Call("GET", path_);
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
    EXPECT_NE(response.body.find("Stop receiving email"), std::string::npos);
    EXPECT_NE(response.body.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"),
              std::string::npos);
    EXPECT_NE(response.body.find("<form method=\"post\">"), std::string::npos);
    EXPECT_NE(response.body.find("name=\"List-Unsubscribe\" value=\"One-Click\""), std::string::npos);
    EXPECT_EQ(response.body.find("<script"), std::string::npos);
    EXPECT_TRUE(Suppressed().empty());
    EXPECT_TRUE(suppressions_.OptOuts().empty());
}

TEST_F(UnsubscribeRoutesTest, ForgedTruncatedOrUnknownTokensAndOtherBodiesWriteNothing) {
    auto forged = path_;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    const auto unknown = "/u/" + domain::IssueUnsubscribeToken({domain::Channel::kEmail, 42, 8}, kLinks.keys);
    for (const auto& path : {forged, path_.substr(0, path_.size() - 1), unknown, std::string("/u/")}) {
        EXPECT_EQ(Call("POST", path, "List-Unsubscribe=One-Click").status, 400u) << path;
        const auto page = Call("GET", path);
        EXPECT_EQ(page.status, 400u);
        EXPECT_NE(page.body.find("not valid"), std::string::npos);
    }
    EXPECT_EQ(Call("POST", path_, "").status, 400u);
    EXPECT_EQ(Call("POST", path_, "List-Unsubscribe=Yes").status, 400u);
    EXPECT_EQ(Call("DELETE", path_).status, 405u);
    EXPECT_TRUE(Suppressed().empty());
    EXPECT_TRUE(suppressions_.OptOuts().empty());
}

TEST_F(UnsubscribeRoutesTest, ApiSuppressionsAlsoOptOutOfRunningCampaignsAndShowTheirSource) {
    app::HttpRequest request{"POST",
                             "/api/v1/suppressions",
                             "",
                             {{"content-type", "application/json"}},
                             R"({"channel":"sms","address":"+15005550006"})"};
    stores_.keys.Add("good-key", "tests");
    request.headers["authorization"] = "Bearer good-key";
    EXPECT_EQ(api_.Handle(request).status, 201u);
    EXPECT_EQ(suppressions_.OptOuts(), (std::vector<std::string>{"sms:+15005550006:api"}));
    const auto list = api_.Handle({"GET", "/api/v1/suppressions", "", {{"authorization", "Bearer good-key"}}, ""});
    const auto body = nlohmann::json::parse(list.body);
    EXPECT_EQ(body["items"][0]["source"], "api");
    EXPECT_TRUE(body["items"][0]["campaign_id"].is_null());
}

/// Grants `tokens` requests per bucket, then none.
class CountingLimiter final : public app::RateLimiter {
public:
    std::size_t Acquire(const std::string& bucket, double, std::size_t wanted, domain::TimePoint) override {
        buckets.push_back(bucket);
        return std::count(buckets.begin(), buckets.end(), bucket) <= 2 ? wanted : 0;
    }
    void Hold(const std::string&, domain::TimePoint) override {}
    std::optional<domain::TimePoint> HeldUntil(const std::string&, domain::TimePoint) override { return std::nullopt; }
    std::vector<std::string> buckets;
};

TEST_F(UnsubscribeRoutesTest, EachClientAddressIsRateLimited) {
    CountingLimiter limiter;
    HttpApi limited{{stores_.campaigns, stores_.targets, stores_.messages, suppressions_, stores_.keys, feedback_,
                     login_.users, login_.sessions, login_.attempts},
                    clock_,
                    login_.random,
                    nullptr,
                    &limiter,
                    {0, 2, {}, kLinks}};
    const auto get = [&](const std::string& peer) {
        app::HttpRequest request{"GET", path_, "", {}, ""};
        request.peer = peer;
        return limited.Handle(request);
    };
    EXPECT_EQ(get("192.0.2.1").status, 200u);
    EXPECT_EQ(get("192.0.2.1").status, 200u);
    const auto refused = get("192.0.2.1");
    EXPECT_EQ(refused.status, 429u);
    EXPECT_EQ(refused.headers, (std::vector<std::pair<std::string, std::string>>{
                                   {"Cache-Control", "no-store"}, {"X-Robots-Tag", "noindex"}, {"Retry-After", "1"}}));
    EXPECT_EQ(get("192.0.2.2").status, 200u);
    EXPECT_EQ(limiter.buckets.back(), "unsubscribe:192.0.2.2");
}

}  // namespace
}  // namespace bulkmsg::api
