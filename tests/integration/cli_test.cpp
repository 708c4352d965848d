// The built binary, run as a user runs it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "adapters/mysql/mysql_connection.hpp"
#include "support/raw_http.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg {
namespace {

using testing::BulkmsgEnv;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunBulkmsg;

std::map<std::string, std::string> DbOverride(const testing::TempDatabase& db) {
    return {{"DB_NAME", db.Config().name}};
}

std::string WriteWorkDirWithEnv(const std::string& name, const std::string& content) {
    auto dir = std::filesystem::temp_directory_path() / ("bulkmsg-cli-" + name + "-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / ".env") << content;
    return dir.string();
}

TEST(CliTest, VersionAndEverySubcommandHelp) {
    auto version = RunBulkmsg({"version"});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_THAT(version.output, HasSubstr("bulkmsg 0."));
    for (const char* sub : {"api", "poller", "consumer", "all", "migrate", "seed", "config", "version", "check"}) {
        auto help = RunBulkmsg({sub, "--help"});
        EXPECT_EQ(help.exit_code, 0) << sub;
        EXPECT_THAT(help.output, HasSubstr("Usage")) << sub;
    }
    EXPECT_NE(RunBulkmsg({}).exit_code, 0);
}

TEST(CliTest, BadEnvFileValueExitsWithCode2NamingTheVariable) {
    auto dir = WriteWorkDirWithEnv("badport", "DB_PORT=not-a-port\n");
    auto result = testing::RunProcess({BULKMSG_BINARY, "migrate"}, {}, dir);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.output, HasSubstr("DB_PORT: must be a port number"));
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
}

TEST(CliTest, ProductionRefusesTheDevelopmentPasswordAtStartUp) {
    const std::map<std::string, std::string> production = {{"NODE_ENV", "production"},
                                                           {"DB_PASSWORD", "bulkmsg-dev-password"},
                                                           {"RABBITMQ_PASSWORD", "broker-secret"},
                                                           {"REDIS_PASSWORD", "cache-secret"}};
    auto refused = testing::RunProcess({BULKMSG_BINARY, "migrate"}, production, testing::EmptyWorkDir());
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_THAT(refused.output, HasSubstr("bulkmsg: configuration error: DB_PASSWORD: is the development default"));
    EXPECT_EQ(std::count(refused.output.begin(), refused.output.end(), '\n'), 1) << refused.output;
    // With passwords of its own the configuration is accepted: `check` gets as far as the servers, which refuse
    // these credentials.
    auto own = production;
    own["DB_PASSWORD"] = "db-secret";
    auto accepted = testing::RunProcess({BULKMSG_BINARY, "check"}, own, testing::EmptyWorkDir());
    EXPECT_EQ(accepted.exit_code, 1) << accepted.output;
    EXPECT_THAT(accepted.output, Not(HasSubstr("configuration error")));
}

TEST(CliTest, ExplicitEnvFileAndMissingCredentialsAreReported) {
    auto dir = WriteWorkDirWithEnv("sendgrid", "EMAIL_PROVIDER=sendgrid\n");
    auto result = testing::RunProcess({BULKMSG_BINARY, "--env-file", dir + "/.env", "config"}, {}, "/");
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.output, HasSubstr("EMAIL_API_KEY: is required when EMAIL_PROVIDER=sendgrid"));
    auto malformed = WriteWorkDirWithEnv("malformed", "GOOD=1\nnot an assignment\n");
    auto parse_error = testing::RunProcess({BULKMSG_BINARY, "config"}, {}, malformed);
    EXPECT_EQ(parse_error.exit_code, 2);
    EXPECT_THAT(parse_error.output, HasSubstr("line 2: expected KEY=VALUE"));
}

TEST(CliTest, EnvironmentWinsOverEnvFileAndConfigRedactsSecrets) {
    auto dir = WriteWorkDirWithEnv("override", "DB_PORT=not-a-port\nDB_PASSWORD=file-secret-123\n");
    auto result = testing::RunProcess({BULKMSG_BINARY, "config"},
                                      {{"DB_PORT", "4000"}, {"REDIS_PASSWORD", "env-secret-456"}}, dir);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("DB_PORT=4000\n"));
    EXPECT_THAT(result.output, HasSubstr("DB_PASSWORD=***\n"));
    EXPECT_THAT(result.output, Not(HasSubstr("file-secret-123")));
    EXPECT_THAT(result.output, Not(HasSubstr("env-secret-456")));
}

TEST(CliTest, TwoConcurrentMigrateRunsBothSucceed) {
    testing::TempDatabase db;
    auto env = BulkmsgEnv(DbOverride(db));
    testing::ChildProcess first({BULKMSG_BINARY, "migrate"}, env, testing::EmptyWorkDir());
    testing::ChildProcess second({BULKMSG_BINARY, "migrate"}, env, testing::EmptyWorkDir());
    auto a = first.Wait();
    auto b = second.Wait();
    EXPECT_EQ(a.exit_code, 0) << a.output;
    EXPECT_EQ(b.exit_code, 0) << b.output;
    // Exactly one of them applied the schema; the other found it current.
    EXPECT_EQ((a.output + b.output).find("schema already current") != std::string::npos, true) << a.output << b.output;
    mysql::MysqlConnection connection(db.Config());
    EXPECT_EQ(connection.QueryValue("SELECT COUNT(*) FROM schema_migrations"),
              connection.QueryValue("SELECT COUNT(DISTINCT version) FROM schema_migrations"));
    auto again = RunBulkmsg({"migrate"}, DbOverride(db));
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_THAT(again.output, HasSubstr("\"applied\":0"));
}

TEST(CliTest, CheckConnectsToAllThreeServers) {
    testing::TempDatabase db;
    ASSERT_EQ(RunBulkmsg({"migrate"}, DbOverride(db)).exit_code, 0);
    auto result = RunBulkmsg({"check"}, DbOverride(db));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("mysql: ok"));
    EXPECT_THAT(result.output, HasSubstr("rabbitmq: ok"));
    EXPECT_THAT(result.output, HasSubstr("redis: ok"));
    EXPECT_THAT(result.output, HasSubstr("webhook sendgrid: off"));
    EXPECT_THAT(result.output, HasSubstr("webhook twilio: off"));
    auto overrides = DbOverride(db);
    overrides["SENDGRID_WEBHOOK_PUBLIC_KEY"] = "key";
    EXPECT_THAT(RunBulkmsg({"check"}, overrides).output, HasSubstr("webhook sendgrid: on"));
}

TEST(CliTest, CheckNamesEachFailingDependency) {
    testing::TempDatabase db;
    auto result = RunBulkmsg({"check"}, {{"DB_NAME", db.Config().name},
                                         {"RABBITMQ_PASSWORD", "wrong"},
                                         {"REDIS_PORT", std::to_string(testing::FreePort())}});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_THAT(result.output, HasSubstr("mysql: FAILED"));
    EXPECT_THAT(result.output, HasSubstr("migration(s) not applied"));
    EXPECT_THAT(result.output, HasSubstr("rabbitmq: FAILED"));
    EXPECT_THAT(result.output, HasSubstr("redis: FAILED: cannot connect"));
    EXPECT_THAT(result.output, Not(HasSubstr("wrong")));
}

TEST(CliTest, SeedInsertsCampaignsWithTargets) {
    testing::TempDatabase db;
    ASSERT_EQ(RunBulkmsg({"migrate"}, DbOverride(db)).exit_code, 0);
    auto result = RunBulkmsg({"seed", "--campaigns", "3", "--targets", "2500"}, DbOverride(db));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    mysql::MysqlConnection connection(db.Config());
    EXPECT_EQ(connection.QueryValue("SELECT GROUP_CONCAT(kind ORDER BY id) FROM campaigns"), "email,sms,push");
    EXPECT_EQ(connection.QueryValue("SELECT COUNT(*) FROM campaign_targets"), "7500");
    EXPECT_EQ(connection.QueryValue("SELECT COUNT(*) FROM campaign_targets t JOIN campaigns c ON c.id=t.campaign_id "
                                    "WHERE t.kind <> c.kind"),
              "0");
}

TEST(CliTest, SeedRefusesAnUnmigratedDatabase) {
    testing::TempDatabase db;
    auto result = RunBulkmsg({"seed"}, DbOverride(db));
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_THAT(result.output, HasSubstr("run `bulkmsg migrate` first"));
}

TEST(CliTest, AllServesHealthAndReadinessAndStopsOnSigterm) {
    testing::TempDatabase db;
    ASSERT_EQ(RunBulkmsg({"migrate"}, DbOverride(db)).exit_code, 0);
    const auto port = testing::FreePort();
    testing::ChildProcess all({BULKMSG_BINARY, "all"},
                              BulkmsgEnv({{"DB_NAME", db.Config().name}, {"EXPRESS_APP_PORT", std::to_string(port)}}),
                              testing::EmptyWorkDir());
    testing::RawHttpResponse health;
    for (int i = 0; i < 100 && health.status == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        health = testing::HttpGet(port, "/health");
    }
    ASSERT_EQ(health.status, 200u) << all.OutputSoFar();
    EXPECT_THAT(health.body, HasSubstr("\"role\":\"all\""));
    EXPECT_EQ(testing::HttpGet(port, "/live").status, 200u);
    auto ready = testing::HttpGet(port, "/ready");
    EXPECT_EQ(ready.status, 200u) << ready.body;
    all.Signal(SIGTERM);
    auto result = all.Wait();
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_THAT(result.output, HasSubstr("\"msg\":\"stopped\""));
}

}  // namespace
}  // namespace bulkmsg
