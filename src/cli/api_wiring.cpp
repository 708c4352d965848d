#include "cli/api_wiring.hpp"

#include "domain/list_unsubscribe.hpp"

namespace bulkmsg::cli {

ApiWiring::ApiWiring(const domain::Config& config)
    : pool(config.db, 8),
      progress_cache(config.redis, config.db.name),
      request_limiter(config.redis, config.db.name, 1.0),
      api({campaigns, targets, messages, suppressions, api_keys}, clock, &progress_cache, &request_limiter,
          {static_cast<double>(config.api_rate_limit_per_sec),
           static_cast<std::ptrdiff_t>(config.api_max_concurrent_uploads), domain::UnsubscribeLinksOf(config)}) {}

}  // namespace bulkmsg::cli
