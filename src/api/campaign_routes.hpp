#pragma once

#include "api/router.hpp"
#include "app/campaign_progress.hpp"
#include "app/campaign_service.hpp"

namespace bulkmsg::api {

/// /campaigns: create (with Idempotency-Key), list, show, schedule, prepare, pause, resume, cancel, the audit
/// trail, progress and messages. Every campaign returned carries its `progress`.
void AddCampaignRoutes(Router& router, app::CampaignService& campaigns, app::CampaignProgress& progress);

}  // namespace bulkmsg::api
