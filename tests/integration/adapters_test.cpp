// The adapters reach the real servers of scripts/stack with the configured credentials.
#include <gtest/gtest.h>

#include "adapters/amqp/amqp_connection.hpp"
#include "adapters/mysql/mysql_connection.hpp"
#include "adapters/redis/redis_client.hpp"
#include "adapters/redis/redis_delivery_guards.hpp"
#include "adapters/redis/redis_login_attempts.hpp"
#include "adapters/redis/redis_session_store.hpp"
#include "support/test_environment.hpp"

namespace bulkmsg {
namespace {

using testing::StackConfig;

TEST(MysqlAdapterTest, ConnectsAndRoundTripsUtf8mb4AndQuotedInput) {
    testing::TempDatabase db;
    mysql::MysqlConnection connection(db.Config());
    EXPECT_EQ(connection.QueryValue("SELECT 1 + 1"), "2");
    connection.Execute("CREATE TABLE t (v VARCHAR(100)) DEFAULT CHARSET=utf8mb4");
    const std::string hostile = "x'); DROP TABLE t; -- \xF0\x9F\x93\xA8";
    EXPECT_EQ(connection.Execute("INSERT INTO t VALUES (" + connection.Quote(hostile) + ")"), 1u);
    EXPECT_EQ(connection.QueryValue("SELECT v FROM t"), hostile);
    EXPECT_EQ(connection.QueryValue("SELECT NULL"), std::nullopt);
}

TEST(MysqlAdapterTest, ErrorsCarryTheServerCode) {
    testing::TempDatabase db;
    mysql::MysqlConnection connection(db.Config());
    try {
        connection.Execute("SELECT * FROM no_such_table");
        FAIL() << "expected MysqlError";
    } catch (const mysql::MysqlError& e) {
        EXPECT_EQ(e.Code(), 1146u);  // ER_NO_SUCH_TABLE
        EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos);
    }
}

TEST(MysqlAdapterTest, WrongPasswordIsRefused) {
    auto config = StackConfig().db;
    config.password = "wrong";
    EXPECT_THROW(mysql::MysqlConnection connection(config), mysql::MysqlError);
}

TEST(AmqpAdapterTest, LogsInToTheConfiguredVhost) {
    EXPECT_NO_THROW(amqp::AmqpConnection connection(StackConfig().rabbitmq));
}

TEST(AmqpAdapterTest, WrongPasswordAndGuestAreRefused) {
    auto config = StackConfig().rabbitmq;
    config.password = "wrong";
    EXPECT_THROW(amqp::AmqpConnection connection(config), amqp::AmqpError);
    config.user = "guest";
    config.password = "guest";
    EXPECT_THROW(amqp::AmqpConnection connection(config), amqp::AmqpError);
}

TEST(RedisAdapterTest, AuthenticatesAndRunsCommands) {
    redis::RedisClient client(StackConfig().redis);
    EXPECT_EQ(client.Command({"PING"}), "PONG");
    const std::string key = "bulkmsg:test:" + std::to_string(getpid());
    EXPECT_EQ(client.Command({"SET", key, std::string("a\0b", 3), "EX", "60"}), "OK");
    EXPECT_EQ(client.Command({"GET", key}), std::string("a\0b", 3));
    EXPECT_EQ(client.Command({"DEL", key}), "1");
}

TEST(RedisAdapterTest, PipelineAnswersEveryCommandInOrderAndStaysInStepAfterAnError) {
    redis::RedisClient client(StackConfig().redis);
    const std::string key = "bulkmsg:test:pipeline:" + std::to_string(getpid());
    EXPECT_EQ(client.Pipeline(
                  {{"SET", key, "first", "NX", "EX", "60"}, {"SET", key, "second", "NX", "EX", "60"}, {"GET", key}}),
              (std::vector<std::string>{"OK", "", "first"}))
        << "the second SET NX found the key: nil";
    EXPECT_THROW(client.Pipeline({{"INCR", key}, {"DEL", key}}), redis::RedisError) << "INCR of a non-number";
    EXPECT_EQ(client.Command({"EXISTS", key}), "0") << "the command after the error still ran";
    EXPECT_EQ(client.Command({"PING"}), "PONG") << "every reply was read: the next command gets its own";
}

TEST(RedisAdapterTest, AProviderHoldOnlyEverLengthensAndEnds) {
    redis::RedisRateLimiter limiter(StackConfig().redis, "test_hold_" + std::to_string(getpid()));
    const auto now = domain::Clock::now();
    EXPECT_EQ(limiter.HeldUntil("sendgrid", now), std::nullopt);
    const auto long_hold = now + std::chrono::seconds(30);
    limiter.Hold("sendgrid", long_hold);
    limiter.Hold("sendgrid", now + std::chrono::seconds(2));  // a later 429 with a shorter Retry-After
    const auto held = limiter.HeldUntil("sendgrid", now);
    ASSERT_TRUE(held.has_value());
    EXPECT_EQ(domain::EpochMillis(*held), domain::EpochMillis(long_hold));
    EXPECT_EQ(limiter.HeldUntil("sendgrid", long_hold + std::chrono::milliseconds(1)), std::nullopt);
    EXPECT_EQ(limiter.HeldUntil("twilio", now), std::nullopt) << "holds are per provider";
}

TEST(RedisAdapterTest, SessionsRoundTripAndATouchAfterLogoutDoesNotBringOneBack) {
    const auto ns = "test_session_" + std::to_string(getpid());
    redis::RedisSessionStore sessions(StackConfig().redis, ns);
    const domain::TimePoint at{std::chrono::milliseconds(1'800'000'000'123)};
    const app::SessionRecord record{7, "csrf", "fingerprint", at, at + std::chrono::minutes(5)};
    sessions.PutSession("k", record, std::chrono::seconds(60));
    const auto read = sessions.GetSession("k");
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->user_id, 7u);
    EXPECT_EQ(read->csrf_token, "csrf");
    EXPECT_EQ(read->credential, "fingerprint");
    EXPECT_EQ(read->created_at, at);
    EXPECT_EQ(read->last_seen_at, at + std::chrono::minutes(5));
    redis::RedisClient client(StackConfig().redis);
    const auto ttl = std::stoi(client.Command({"TTL", "bulkmsg:" + ns + ":session:k"}));
    EXPECT_GT(ttl, 50);
    EXPECT_LE(ttl, 60);
    sessions.DeleteSession("k");
    sessions.TouchSession("k", record, std::chrono::seconds(60));
    EXPECT_FALSE(sessions.GetSession("k").has_value());
}

TEST(RedisAdapterTest, LoginFailuresCountUntilALockStartsThemAfresh) {
    redis::RedisLoginAttempts attempts(StackConfig().redis, "test_login_" + std::to_string(getpid()));
    const std::chrono::seconds window(900);
    EXPECT_EQ(attempts.LockedUntil("account:a@b.c"), std::nullopt);
    EXPECT_EQ(attempts.AddFailure("account:a@b.c", window), 1u);
    EXPECT_EQ(attempts.AddFailure("account:a@b.c", window), 2u);
    EXPECT_EQ(attempts.AddFailure("ip:10.0.0.1", window), 1u) << "per subject";
    const domain::TimePoint until{std::chrono::milliseconds(1'800'000'900'000)};
    attempts.Lock("account:a@b.c", until);
    EXPECT_EQ(attempts.LockedUntil("account:a@b.c"), until);
    EXPECT_EQ(attempts.AddFailure("account:a@b.c", window), 1u);
    attempts.Forget("account:a@b.c");
    EXPECT_EQ(attempts.AddFailure("account:a@b.c", window), 1u);
}

TEST(RedisAdapterTest, RefusesClientsWithoutThePassword) {
    auto config = StackConfig().redis;
    ASSERT_FALSE(config.password.empty());
    config.password = "";
    redis::RedisClient client(config);
    EXPECT_THROW(client.Command({"PING"}), redis::RedisError);
    config.password = "wrong";
    EXPECT_THROW(redis::RedisClient wrong(config), redis::RedisError);
}

}  // namespace
}  // namespace bulkmsg
