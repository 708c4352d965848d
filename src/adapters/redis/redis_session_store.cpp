#include "adapters/redis/redis_session_store.hpp"

#include <nlohmann/json.hpp>

namespace bulkmsg::redis {

namespace {

domain::TimePoint FromMillis(std::int64_t ms) {
    return domain::TimePoint(std::chrono::milliseconds(ms));
}

}  // namespace

RedisSessionStore::RedisSessionStore(domain::RedisConfig config, std::string key_namespace)
    : connection_(std::move(config)), prefix_("bulkmsg:" + key_namespace + ":session:") {}

void RedisSessionStore::Set(const std::string& key, const app::SessionRecord& record, std::chrono::seconds ttl,
                            bool only_existing) {
    const nlohmann::json value = {{"user_id", record.user_id},
                                  {"csrf_token", record.csrf_token},
                                  {"credential", record.credential},
                                  {"created_ms", domain::EpochMillis(record.created_at)},
                                  {"last_seen_ms", domain::EpochMillis(record.last_seen_at)}};
    std::vector<std::string> command = {"SET", prefix_ + key, value.dump(), "EX", std::to_string(ttl.count())};
    if (only_existing) {
        command.emplace_back("XX");
    }
    connection_.Run([&](RedisClient& c) { return c.Command(command); });
}

void RedisSessionStore::PutSession(const std::string& key, const app::SessionRecord& record, std::chrono::seconds ttl) {
    Set(key, record, ttl, false);
}

void RedisSessionStore::TouchSession(const std::string& key, const app::SessionRecord& record,
                                     std::chrono::seconds ttl) {
    Set(key, record, ttl, true);
}

std::optional<app::SessionRecord> RedisSessionStore::GetSession(const std::string& key) {
    const auto text = connection_.Run([&](RedisClient& c) { return c.Command({"GET", prefix_ + key}); });
    const auto value = nlohmann::json::parse(text, nullptr, false);
    if (text.empty() || !value.is_object()) {
        return std::nullopt;
    }
    try {
        return app::SessionRecord{value.at("user_id").get<std::uint64_t>(), value.at("csrf_token").get<std::string>(),
                                  value.at("credential").get<std::string>(),
                                  FromMillis(value.at("created_ms").get<std::int64_t>()),
                                  FromMillis(value.at("last_seen_ms").get<std::int64_t>())};
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;  // written by another version or by hand: not a session this server can trust
    }
}

void RedisSessionStore::DeleteSession(const std::string& key) {
    connection_.Run([&](RedisClient& c) { return c.Command({"DEL", prefix_ + key}); });
}

}  // namespace bulkmsg::redis
