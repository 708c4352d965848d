#include "adapters/redis/redis_login_attempts.hpp"

namespace bulkmsg::redis {

namespace {

constexpr const char* kLockTidySeconds = "86400";

}  // namespace

RedisLoginAttempts::RedisLoginAttempts(domain::RedisConfig config, std::string key_namespace)
    : connection_(std::move(config)), prefix_("bulkmsg:" + key_namespace + ":login:") {}

std::optional<domain::TimePoint> RedisLoginAttempts::LockedUntil(const std::string& subject) {
    const auto value = connection_.Run([&](RedisClient& c) { return c.Command({"GET", prefix_ + "lock:" + subject}); });
    if (value.empty()) {
        return std::nullopt;
    }
    return domain::TimePoint(std::chrono::milliseconds(std::stoll(value)));
}

std::uint32_t RedisLoginAttempts::AddFailure(const std::string& subject, std::chrono::seconds window) {
    const auto key = prefix_ + "fail:" + subject;
    const auto replies = connection_.Run([&](RedisClient& c) {
        return c.Pipeline({{"INCR", key}, {"EXPIRE", key, std::to_string(window.count()), "NX"}});
    });
    return static_cast<std::uint32_t>(std::stoul(replies.at(0)));
}

void RedisLoginAttempts::Lock(const std::string& subject, domain::TimePoint until) {
    connection_.Run([&](RedisClient& c) {
        return c.Pipeline(
            {{"SET", prefix_ + "lock:" + subject, std::to_string(domain::EpochMillis(until)), "EX", kLockTidySeconds},
             {"DEL", prefix_ + "fail:" + subject}});
    });
}

void RedisLoginAttempts::Forget(const std::string& subject) {
    connection_.Run([&](RedisClient& c) { return c.Command({"DEL", prefix_ + "fail:" + subject}); });
}

}  // namespace bulkmsg::redis
