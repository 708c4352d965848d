#pragma once

#include "api/router.hpp"
#include "app/campaign_progress.hpp"
#include "app/campaign_service.hpp"

namespace bulkmsg::api {

/// /campaigns: create (with Idempotency-Key), list, show, schedule, prepare, pause, resume, cancel, the audit
/// trail, progress and messages. Every campaign returned carries its `progress`. Without `unsubscribe_links`, a
/// non-transactional email campaign is refused (422): it could not carry the one-click unsubscribe mailbox
/// providers require.
void AddCampaignRoutes(Router& router, app::CampaignService& campaigns, app::CampaignProgress& progress,
                       bool unsubscribe_links);

}  // namespace bulkmsg::api
