// Dashboard users and sessions as deployed: `bulkmsg user …` and a `bulkmsg api` process on a throw-away
// database, with sessions and login attempts in the stack's Redis, driven over HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/api_process.hpp"
#include "support/outbox_fixture.hpp"
#include "support/raw_http.hpp"
#include "support/response_log.hpp"

namespace bulkmsg {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

const std::string kPassword = "a long enough password";

struct Reply {
    unsigned status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    Json body;
    std::string raw_body;
    // The cookie the reply sets, as a Cookie header value ("bulkmsg_session=…").
    std::string Cookie() const {
        const auto set = headers.count("set-cookie") ? headers.at("set-cookie") : "";
        return set.substr(0, set.find(';'));
    }
};

Reply Parse(const std::string& raw) {
    Reply reply;
    reply.status = static_cast<unsigned>(std::stoul(raw.substr(9, 3)));
    const auto end = raw.find("\r\n\r\n");
    for (auto pos = raw.find("\r\n") + 2; pos < end;) {
        const auto eol = raw.find("\r\n", pos);
        const auto line = raw.substr(pos, eol - pos);
        auto name = line.substr(0, line.find(':'));
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        reply.headers[name] = line.substr(line.find(':') + 2);
        pos = eol + 2;
    }
    reply.raw_body = raw.substr(end + 4);
    reply.body = Json::parse(reply.raw_body, nullptr, false);
    return reply;
}

class SessionApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        env_ = {{"DB_NAME", db_.Config().name},
                {"PUBLIC_BASE_URL", "https://bulkmsg.example"},
                {"UNSUBSCRIBE_SECRET", "unsubscribe-secret-0123456789"}};
        AddUser("ed@example.com", "editor");
        AddUser("vi@example.com", "viewer");
        testing::ApiProcess started(env_);
        port_ = started.port;
        key_ = started.key;
        api_ = std::move(started.process);
    }

    // `bulkmsg user create` with the password on stdin.
    void AddUser(const std::string& email, const std::string& role) {
        const auto result = User("create --email " + email + " --role " + role + " --password-stdin");
        ASSERT_EQ(result.exit_code, 0) << result.output;
        EXPECT_THAT(result.output, ::testing::Not(HasSubstr(kPassword))) << "a password is never printed";
    }
    testing::ProcessResult User(const std::string& args, const std::string& password = kPassword) {
        return testing::RunProcess(
            {"/bin/sh", "-c", "printf '%s\\n' '" + password + "' | " + BULKMSG_BINARY + " user " + args},
            testing::BulkmsgEnv(env_), testing::EmptyWorkDir());
    }

    Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
               const std::string& headers = "") {
        std::string request = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers;
        if (!body.empty() || method == "POST") {
            request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
        }
        auto reply = Parse(testing::SendRawHttpUntilClose(port_, request + "\r\n" + body));
        const auto type = reply.headers.find("content-type");
        testing::RecordResponse(method, path,
                                {reply.status, type == reply.headers.end() ? "" : type->second, reply.raw_body});
        return reply;
    }
    Reply LogIn(const std::string& email, const std::string& password = kPassword, const std::string& headers = "") {
        return Call("POST", "/session", Json{{"email", email}, {"password", password}}.dump(), headers);
    }
    static std::string As(const Reply& login, bool with_csrf = true) {
        return "Cookie: " + login.Cookie() + "\r\n" +
               (with_csrf ? "X-CSRF-Token: " + login.body["csrf_token"].get<std::string>() + "\r\n" : "");
    }
    const std::string campaign_ = R"({"name":"N","kind":"sms","template":{"text":"Hi"}})";

    testing::MigratedDatabase db_;
    std::map<std::string, std::string> env_;
    unsigned short port_ = 0;
    std::string key_;
    std::unique_ptr<testing::ChildProcess> api_;
};

TEST_F(SessionApiTest, LoginSetsTheCookieAndNeitherAForeignIdNorALoggedOutOneWorks) {
    const std::string planted = "bulkmsg_session=" + std::string(64, 'a');
    const auto login = LogIn("Ed@Example.com", kPassword, "Cookie: " + planted + "\r\n");
    ASSERT_EQ(login.status, 201u) << login.body;
    EXPECT_THAT(login.headers.at("set-cookie"),
                ::testing::MatchesRegex("bulkmsg_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax; Secure; "
                                        "Max-Age=604800"));
    EXPECT_NE(login.Cookie(), planted) << "the id changes at login";
    EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", "Cookie: " + planted + "\r\n").status, 401u);
    EXPECT_EQ(login.body["role"], "editor");

    const auto shown = Call("GET", "/session", "", As(login, false));
    ASSERT_EQ(shown.status, 200u);
    EXPECT_EQ(shown.body,
              (Json{{"email", "ed@example.com"}, {"role", "editor"}, {"csrf_token", login.body["csrf_token"]}}));
    EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", As(login, false)).status, 200u);

    EXPECT_EQ(Call("DELETE", "/session", "", As(login)).status, 204u);
    const auto reused = Call("GET", "/api/v1/campaigns", "", As(login));
    EXPECT_EQ(reused.status, 401u);
    EXPECT_EQ(reused.body["error"]["code"], "unauthorized");
    EXPECT_EQ(Call("GET", "/session", "", As(login)).status, 401u);
    EXPECT_EQ(LogIn("ed@example.com", "not the password").status, 401u);
}

TEST_F(SessionApiTest, ACookieWithoutTheCsrfTokenChangesNothing) {
    const auto login = LogIn("ed@example.com");
    const auto missing = Call("POST", "/api/v1/campaigns", campaign_, As(login, false));
    EXPECT_EQ(missing.status, 403u);
    EXPECT_EQ(missing.body["error"]["code"], "csrf_token_invalid");
    EXPECT_EQ(Call("POST", "/api/v1/campaigns", campaign_, As(login, false) + "X-CSRF-Token: 00\r\n").status, 403u);
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaigns"), "0");

    const auto by_key = Call("POST", "/api/v1/campaigns", campaign_, "Authorization: Bearer " + key_ + "\r\n");
    ASSERT_EQ(by_key.status, 201u) << "an API key needs no CSRF token";
    const auto cancel = "/api/v1/campaigns/" + std::to_string(by_key.body["id"].get<int>()) + "/cancel";
    EXPECT_EQ(Call("POST", cancel, "", As(login, false)).status, 403u);
    EXPECT_EQ(db_.Value("SELECT status FROM campaigns"), "draft");
    EXPECT_EQ(Call("POST", cancel, "", As(login)).status, 200u);
    EXPECT_EQ(db_.Value("SELECT status FROM campaigns"), "cancelled");
    EXPECT_EQ(db_.Value("SELECT GROUP_CONCAT(actor ORDER BY id) FROM campaign_events"),
              "api_key:tests,user:ed@example.com");
}

TEST_F(SessionApiTest, AViewerGets403CreatingACampaignWhileAnEditorSucceeds) {
    const auto viewer = LogIn("vi@example.com");
    const auto refused = Call("POST", "/api/v1/campaigns", campaign_, As(viewer));
    EXPECT_EQ(refused.status, 403u);
    EXPECT_EQ(refused.body["error"]["code"], "forbidden");
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaigns"), "0");
    EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", As(viewer)).status, 200u);
    const auto created = Call("POST", "/api/v1/campaigns", campaign_, As(LogIn("ed@example.com")));
    EXPECT_EQ(created.status, 201u) << created.body;
    EXPECT_EQ(db_.Value("SELECT COUNT(*) FROM campaigns"), "1");
}

TEST_F(SessionApiTest, ANewPasswordOrDisablingEndsTheUsersSessionsAtOnce) {
    const auto before = LogIn("ed@example.com");
    ASSERT_EQ(Call("GET", "/api/v1/campaigns", "", As(before)).status, 200u);
    const std::string changed = "another long password";
    const auto passwd = User("passwd --email ed@example.com --password-stdin", changed);
    ASSERT_EQ(passwd.exit_code, 0) << passwd.output;
    EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", As(before)).status, 401u);
    EXPECT_EQ(LogIn("ed@example.com").status, 401u) << "the old password no longer works";

    const auto login = LogIn("ed@example.com", changed);
    ASSERT_EQ(Call("GET", "/api/v1/campaigns", "", As(login)).status, 200u);
    const auto disabled = User("disable --email ed@example.com");
    ASSERT_EQ(disabled.exit_code, 0) << disabled.output;
    EXPECT_EQ(Call("GET", "/api/v1/campaigns", "", As(login)).status, 401u);
    EXPECT_EQ(LogIn("ed@example.com", changed).status, 401u);
    const auto listed = User("list");
    EXPECT_THAT(listed.output, HasSubstr("ed@example.com\teditor\tdisabled"));
    EXPECT_THAT(listed.output, ::testing::Not(HasSubstr("argon2")));
}

TEST_F(SessionApiTest, TenWrongPasswordsLockTheAccount) {
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(LogIn("ed@example.com", "wrong password " + std::to_string(i)).status, 401u);
    }
    const auto locked = LogIn("ed@example.com");
    EXPECT_EQ(locked.status, 429u);
    EXPECT_EQ(locked.body["error"]["code"], "login_locked");
    EXPECT_EQ(locked.headers.at("retry-after"), "900");
    EXPECT_EQ(LogIn("vi@example.com").status, 201u) << "other accounts are not locked";
    EXPECT_THAT(api_->OutputSoFar(), ::testing::Not(HasSubstr(kPassword)));
}

}  // namespace
}  // namespace bulkmsg
