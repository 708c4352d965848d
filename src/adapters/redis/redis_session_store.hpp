#pragma once

#include "adapters/redis/redis_session.hpp"
#include "app/session_store.hpp"

namespace bulkmsg::redis {

/// SessionStore in Redis: `bulkmsg:<namespace>:session:<key>` holds the record as JSON, with the TTL the session
/// service gives (Redis drops it when the session could no longer be used anyway). Thread-safe.
class RedisSessionStore final : public app::SessionStore {
public:
    RedisSessionStore(domain::RedisConfig config, std::string key_namespace);

    void PutSession(const std::string& key, const app::SessionRecord& record, std::chrono::seconds ttl) override;
    void TouchSession(const std::string& key, const app::SessionRecord& record, std::chrono::seconds ttl) override;
    std::optional<app::SessionRecord> GetSession(const std::string& key) override;
    void DeleteSession(const std::string& key) override;

private:
    void Set(const std::string& key, const app::SessionRecord& record, std::chrono::seconds ttl, bool only_existing);

    RedisSession connection_;
    std::string prefix_;
};

}  // namespace bulkmsg::redis
