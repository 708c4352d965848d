#include "cli/api_wiring.hpp"

#include "domain/list_unsubscribe.hpp"

namespace bulkmsg::cli {

api::WebhookSettings WebhookSettingsOf(const domain::Config& config) {
    return {config.webhooks.sendgrid_public_key, config.sms.auth_token, config.public_base_url,
            std::chrono::seconds(config.webhooks.max_age_seconds), std::uint64_t{config.webhooks.body_limit_mb} << 20};
}

ApiWiring::ApiWiring(const domain::Config& config)
    : pool(config.db, 8),
      progress_cache(config.redis, config.db.name),
      request_limiter(config.redis, config.db.name, 1.0),
      sessions(config.redis, config.db.name),
      login_attempts(config.redis, config.db.name),
      api({campaigns, targets, messages, suppressions, api_keys, feedback, users, sessions, login_attempts}, clock,
          random, &progress_cache, &request_limiter,
          {static_cast<double>(config.api_rate_limit_per_sec),
           static_cast<std::ptrdiff_t>(config.api_max_concurrent_uploads),
           WebhookSettingsOf(config),
           domain::UnsubscribeLinksOf(config),
           {std::chrono::minutes(config.session_idle_minutes), domain::SessionLifetime{}.absolute},
           config.public_base_url.rfind("https://", 0) == 0,
           {config.email.from, config.sms.sender_id}}) {}

}  // namespace bulkmsg::cli
