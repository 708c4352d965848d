#pragma once

#include "adapters/mysql/mysql_api_key_store.hpp"
#include "adapters/mysql/mysql_campaign_store.hpp"
#include "adapters/mysql/mysql_feedback_store.hpp"
#include "adapters/mysql/mysql_message_store.hpp"
#include "adapters/mysql/mysql_suppression_store.hpp"
#include "adapters/mysql/mysql_target_store.hpp"
#include "adapters/mysql/mysql_user_store.hpp"
#include "adapters/redis/redis_delivery_guards.hpp"
#include "adapters/redis/redis_login_attempts.hpp"
#include "adapters/redis/redis_progress_cache.hpp"
#include "adapters/redis/redis_session_store.hpp"
#include "adapters/system/openssl_random.hpp"
#include "api/http_api.hpp"
#include "domain/config.hpp"

namespace bulkmsg::cli {

/// The webhooks' settings from the configuration.
api::WebhookSettings WebhookSettingsOf(const domain::Config& config);

/// The campaign API wired to MariaDB (one pool shared by its stores) and Redis (progress cache, request limiter,
/// sessions, login attempts).
/// Connections are opened on first use, so building it for a role that serves no API costs nothing.
struct ApiWiring {
    explicit ApiWiring(const domain::Config& config);

    mysql::MysqlPool pool;
    mysql::MysqlCampaignStore campaigns{pool};
    mysql::MysqlTargetStore targets{pool};
    mysql::MysqlMessageStore messages{pool};
    mysql::MysqlSuppressionStore suppressions{pool};
    mysql::MysqlApiKeyStore api_keys{pool};
    mysql::MysqlFeedbackStore feedback{pool};
    mysql::MysqlUserStore users{pool};
    app::SystemClock clock;
    system::OpenSslRandom random;
    redis::RedisProgressCache progress_cache;
    redis::RedisRateLimiter request_limiter;
    redis::RedisSessionStore sessions;
    redis::RedisLoginAttempts login_attempts;
    api::HttpApi api;
};

}  // namespace bulkmsg::cli
