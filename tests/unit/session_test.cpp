// Users, sessions and roles without a server: password hashing, session expiry on an injected clock, the login
// throttle, the role policy, and the HTTP layer's cookie, CSRF and 403 answers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/http_api.hpp"
#include "api/session_cookie.hpp"
#include "domain/access_policy.hpp"
#include "domain/password_hash.hpp"
#include "support/fake_clock.hpp"
#include "support/in_memory_feedback_store.hpp"
#include "support/in_memory_session_stores.hpp"
#include "support/in_memory_stores.hpp"

namespace bulkmsg {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using domain::Permission;
using domain::UserRole;

// Cheap parameters, so that tests hash quickly; verification reads them from the hash.
constexpr domain::PasswordCost kTestCost{1, 64, 1};
const std::string kPassword = "correct horse battery";

TEST(PasswordHashTest, VerifiesTheRightPasswordOnlyAndEncodesArgon2id) {
    const auto hash = domain::HashPassword(kPassword, domain::PasswordSalt{1, 2, 3}, kTestCost);
    EXPECT_EQ(hash.rfind("$argon2id$v=19$m=64,t=1,p=1$", 0), 0u) << hash;
    EXPECT_TRUE(domain::VerifyPassword(hash, kPassword));
    EXPECT_FALSE(domain::VerifyPassword(hash, kPassword + "!"));
    EXPECT_FALSE(domain::VerifyPassword("not a hash", kPassword));
    EXPECT_NE(hash, domain::HashPassword(kPassword, domain::PasswordSalt{9}, kTestCost)) << "the salt counts";
    EXPECT_EQ(domain::PasswordProblem("short"), "must be at least 12 characters");
    EXPECT_FALSE(domain::PasswordProblem(kPassword));
}

TEST(SessionExpiryTest, EndsAfterIdleTimeOrSevenDaysWhicheverIsFirst) {
    const domain::TimePoint t0{std::chrono::hours(500'000)};
    const domain::SessionLifetime life{720min, 7 * 24h};
    EXPECT_EQ(domain::SessionStateAt(t0, t0, t0 + 719min, life), domain::SessionState::kActive);
    EXPECT_EQ(domain::SessionStateAt(t0, t0, t0 + 720min, life), domain::SessionState::kIdleExpired);
    EXPECT_EQ(domain::SessionStateAt(t0, t0 + 7 * 24h - 1min, t0 + 7 * 24h, life),
              domain::SessionState::kAbsoluteExpired);
    EXPECT_EQ(domain::SessionTimeToLive(t0, t0, life), std::chrono::seconds(720min));
    EXPECT_EQ(domain::SessionTimeToLive(t0, t0 + 7 * 24h - 10min, life), std::chrono::seconds(10min));
}

TEST(AccessPolicyTest, ViewersReadEditorsChangeCampaignsAdminsAlsoSuppressions) {
    EXPECT_EQ(domain::RequiredPermission("GET", "/api/v1/suppressions"), Permission::kRead);
    EXPECT_EQ(domain::RequiredPermission("POST", "/api/v1/campaigns/4/pause"), Permission::kEdit);
    EXPECT_EQ(domain::RequiredPermission("DELETE", "/api/v1/suppressions/email/a@b.c"), Permission::kAdminister);
    EXPECT_EQ(domain::RequiredPermission("POST", "/api/v1/suppressionsx"), Permission::kEdit);
    EXPECT_EQ(domain::RequiredPermission("POST", "/api/v1/templates/preview"), Permission::kRead);
    EXPECT_TRUE(domain::Allows(UserRole::kViewer, Permission::kRead));
    EXPECT_FALSE(domain::Allows(UserRole::kViewer, Permission::kEdit));
    EXPECT_TRUE(domain::Allows(UserRole::kEditor, Permission::kEdit));
    EXPECT_FALSE(domain::Allows(UserRole::kEditor, Permission::kAdminister));
    EXPECT_TRUE(domain::Allows(UserRole::kAdmin, Permission::kAdminister));
}

class SessionServiceTest : public ::testing::Test {
protected:
    SessionServiceTest() {
        login_.users.AddUser("ana@example.com", UserRole::kEditor,
                             domain::HashPassword(kPassword, domain::PasswordSalt{}, kTestCost));
    }
    app::LoginResult Login(const std::string& password = kPassword, const std::string& ip = "10.0.0.1") {
        return service_.Login("ana@example.com", password, ip);
    }

    testing::InMemorySessionStores login_;
    testing::FakeClock clock_;
    app::LoginThrottle throttle_{login_.attempts, clock_};
    app::SessionService service_{login_.users,  login_.sessions,   throttle_, clock_,
                                 login_.random, {720min, 7 * 24h}, kTestCost};
};

TEST_F(SessionServiceTest, ASessionIdIs256RandomBitsStoredOnlyAsItsHash) {
    const auto started = Login();
    ASSERT_EQ(started.outcome, app::LoginResult::Outcome::kStarted);
    EXPECT_EQ(started.session_id, "01" + std::string(62, '0'));
    EXPECT_EQ(started.session.csrf_token, "02" + std::string(62, '0'));
    ASSERT_EQ(login_.sessions.records.size(), 1u);
    EXPECT_FALSE(login_.sessions.records.contains(started.session_id));
    EXPECT_EQ(login_.sessions.ttls.begin()->second, std::chrono::seconds(720min));
    EXPECT_EQ(service_.Resolve(started.session_id)->user.email, "ana@example.com");
    EXPECT_FALSE(service_.Resolve(std::string(64, 'f'))) << "an id the server did not issue";
    EXPECT_NE(Login().session_id, started.session_id) << "every login gets a new id";
}

TEST_F(SessionServiceTest, IdleSessionsEndAndRequestsKeepThemAliveUpToSevenDays) {
    const auto id = Login().session_id;
    clock_.Advance(719min);
    ASSERT_TRUE(service_.Resolve(id));
    for (int day = 0; day < 7 * 2; ++day) {  // a request every 12 h minus a minute, for a week
        clock_.Advance(719min);
        if (!service_.Resolve(id)) {
            EXPECT_GE(clock_.Now() - (domain::TimePoint(std::chrono::seconds(1'800'000'000))), 7 * 24h);
            EXPECT_TRUE(login_.sessions.records.empty()) << "the ended session is deleted";
            return;
        }
    }
    FAIL() << "the session outlived the absolute limit";
}

TEST_F(SessionServiceTest, AnIdleSessionEndsAfterTheIdleTimeout) {
    const auto id = Login().session_id;
    clock_.Advance(720min);
    EXPECT_FALSE(service_.Resolve(id));
    EXPECT_TRUE(login_.sessions.records.empty());
}

TEST_F(SessionServiceTest, DisablingTheUserOrChangingItsPasswordEndsItsSessionsAtOnce) {
    const auto first = Login().session_id;
    login_.users.SetPasswordHash("ana@example.com", domain::HashPassword(kPassword, {7}, kTestCost));
    EXPECT_FALSE(service_.Resolve(first));
    const auto second = Login().session_id;
    ASSERT_TRUE(service_.Resolve(second));
    login_.users.DisableUser("ana@example.com");
    EXPECT_FALSE(service_.Resolve(second));
    EXPECT_EQ(Login().outcome, app::LoginResult::Outcome::kWrongCredentials) << "a disabled user cannot log in";
}

TEST_F(SessionServiceTest, TenWrongPasswordsLockTheAccountForFifteenMinutes) {
    for (int i = 0; i < 9; ++i) {
        EXPECT_EQ(Login("wrong password!").outcome, app::LoginResult::Outcome::kWrongCredentials);
    }
    EXPECT_EQ(Login().outcome, app::LoginResult::Outcome::kStarted) << "9 failures do not lock; success resets";
    for (int i = 0; i < 10; ++i) {
        Login("wrong password!", "10.0.0." + std::to_string(i));
    }
    const auto locked = Login(kPassword, "10.9.9.9");
    ASSERT_EQ(locked.outcome, app::LoginResult::Outcome::kLocked) << "locked even with the right password";
    EXPECT_EQ(locked.retry_after, 900s);
    clock_.Advance(14min);
    EXPECT_EQ(Login().retry_after, 60s);
    clock_.Advance(1min);
    EXPECT_EQ(Login().outcome, app::LoginResult::Outcome::kStarted);
}

TEST_F(SessionServiceTest, FiftyWrongPasswordsFromOneAddressLockItForEveryAccount) {
    for (int i = 0; i < 50; ++i) {
        service_.Login("user" + std::to_string(i) + "@example.com", "wrong password!", "10.0.0.1");
    }
    EXPECT_EQ(Login(kPassword, "10.0.0.1").outcome, app::LoginResult::Outcome::kLocked);
    EXPECT_EQ(Login(kPassword, "10.0.0.2").outcome, app::LoginResult::Outcome::kStarted);
}

class SessionApiTest : public ::testing::Test {
protected:
    SessionApiTest() {
        stores_.keys.Add("good-key", "robot");
        for (const auto& [email, role] :
             {std::pair{"ed@example.com", UserRole::kEditor}, std::pair{"vi@example.com", UserRole::kViewer}}) {
            login_.users.AddUser(email, role, domain::HashPassword(kPassword, {}, kTestCost));
        }
    }
    app::HttpResponse Call(const std::string& method, const std::string& path, const std::string& body,
                           std::map<std::string, std::string> headers) {
        headers["content-type"] = "application/json";
        return api_.Handle({method, path, "", headers, body});
    }
    // Logs in and returns the Cookie header value and the CSRF token.
    std::pair<std::string, std::string> LogIn(const std::string& email) {
        const auto response = Call("POST", "/session", Json{{"email", email}, {"password", kPassword}}.dump(), {});
        EXPECT_EQ(response.status, 201u) << response.body;
        const auto cookie = response.headers.at(0).second;
        return {cookie.substr(0, cookie.find(';')), Json::parse(response.body)["csrf_token"]};
    }
    const std::string campaign_ = R"({"name":"N","kind":"sms","template":{"text":"Hi"}})";

    testing::InMemoryApiStores stores_;
    testing::InMemoryFeedbackStore feedback_;
    testing::FakeClock clock_;
    testing::InMemorySessionStores login_;
    api::HttpApi api_{{stores_.campaigns, stores_.targets, stores_.messages, stores_.suppressions, stores_.keys,
                       feedback_, login_.users, login_.sessions, login_.attempts},
                      clock_,
                      login_.random,
                      nullptr,
                      nullptr,
                      {.secure_cookie = true}};
};

TEST_F(SessionApiTest, LoginSetsAnHttpOnlyLaxSecureCookie) {
    const auto response =
        Call("POST", "/session", Json{{"email", "ED@example.com "}, {"password", kPassword}}.dump(), {});
    ASSERT_EQ(response.status, 201u) << response.body;
    ASSERT_EQ(response.headers.at(0).first, "Set-Cookie");
    EXPECT_EQ(response.headers.at(0).second,
              "bulkmsg_session=01" + std::string(62, '0') + "; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=604800");
    EXPECT_EQ(Json::parse(response.body)["role"], "editor");
    EXPECT_EQ(api::SessionCookie("x", 60s, false), "bulkmsg_session=x; Path=/; HttpOnly; SameSite=Lax; Max-Age=60")
        << "Secure only over https";
    const auto wrong =
        Call("POST", "/session", Json{{"email", "ed@example.com"}, {"password", "nope nope nope"}}.dump(), {});
    EXPECT_EQ(wrong.status, 401u);
    EXPECT_EQ(Json::parse(wrong.body)["error"]["code"], "invalid_credentials");
    EXPECT_EQ(Call("POST", "/session", R"({"email":"ed@example.com"})", {}).status, 422u);
}

TEST_F(SessionApiTest, ChangesNeedTheCsrfTokenReadsDoNot) {
    const auto [cookie, csrf] = LogIn("ed@example.com");
    EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", {{"cookie", cookie}}).status, 200u);
    const auto missing = Call("POST", "/api/v1/campaigns", campaign_, {{"cookie", cookie}});
    EXPECT_EQ(missing.status, 403u);
    EXPECT_EQ(Json::parse(missing.body)["error"]["code"], "csrf_token_invalid");
    EXPECT_EQ(Json::parse(missing.body)["error"]["details"][0]["field"], "X-CSRF-Token");
    const auto wrong_token = std::string(csrf.size(), '0');
    EXPECT_EQ(Call("POST", "/api/v1/campaigns", campaign_, {{"cookie", cookie}, {"x-csrf-token", wrong_token}}).status,
              403u);
    EXPECT_TRUE(stores_.campaigns.ListCampaigns(0, 10, std::nullopt).empty());
    const auto created = Call("POST", "/api/v1/campaigns", campaign_, {{"cookie", cookie}, {"x-csrf-token", csrf}});
    ASSERT_EQ(created.status, 201u) << created.body;
    const auto by_key = Call("POST", "/api/v1/campaigns", campaign_, {{"authorization", "Bearer good-key"}});
    ASSERT_EQ(by_key.status, 201u) << "API keys need no CSRF token";
    const auto actor = [&](const app::HttpResponse& r) {
        return stores_.campaigns.ListEvents(Json::parse(r.body)["id"], 0, 10).at(0).note.actor;
    };
    EXPECT_EQ(actor(created), "user:ed@example.com");
    EXPECT_EQ(actor(by_key), "api_key:robot");
}

TEST_F(SessionApiTest, AViewerReadsButGets403ForChangesAndAnEditorForSuppressions) {
    const auto [viewer, viewer_csrf] = LogIn("vi@example.com");
    EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", {{"cookie", viewer}}).status, 200u);
    const auto refused =
        Call("POST", "/api/v1/campaigns", campaign_, {{"cookie", viewer}, {"x-csrf-token", viewer_csrf}});
    EXPECT_EQ(refused.status, 403u);
    EXPECT_EQ(Json::parse(refused.body)["error"]["code"], "forbidden");
    const auto [editor, editor_csrf] = LogIn("ed@example.com");
    const auto suppression = R"({"channel":"email","address":"x@example.com"})";
    EXPECT_EQ(
        Call("POST", "/api/v1/suppressions", suppression, {{"cookie", editor}, {"x-csrf-token", editor_csrf}}).status,
        403u);
}

TEST_F(SessionApiTest, GetShowsTheSessionAndDeleteEndsIt) {
    const auto [cookie, csrf] = LogIn("ed@example.com");
    const auto shown = Call("GET", "/session", "", {{"cookie", cookie}});
    ASSERT_EQ(shown.status, 200u);
    EXPECT_EQ(Json::parse(shown.body), (Json{{"email", "ed@example.com"}, {"role", "editor"}, {"csrf_token", csrf}}));
    EXPECT_EQ(Call("DELETE", "/session", "", {{"cookie", cookie}}).status, 403u) << "logout needs the CSRF token";
    const auto out = Call("DELETE", "/session", "", {{"cookie", cookie}, {"x-csrf-token", csrf}});
    EXPECT_EQ(out.status, 204u);
    EXPECT_EQ(out.headers.at(0).second, "bulkmsg_session=; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0");
    EXPECT_EQ(Call("GET", "/session", "", {{"cookie", cookie}}).status, 401u);
    EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", {{"cookie", cookie}}).status, 401u);
}

TEST_F(SessionApiTest, ASessionStoreThatIsDownIsA503NamingTheCache) {
    const auto [cookie, csrf] = LogIn("ed@example.com");
    login_.sessions.down = "cache";
    const auto response = Call("GET", "/api/v1/campaigns", "", {{"cookie", cookie}});
    EXPECT_EQ(response.status, 503u);
    EXPECT_EQ(Json::parse(response.body)["error"]["details"][0]["dependency"], "cache");
}

}  // namespace
}  // namespace bulkmsg
