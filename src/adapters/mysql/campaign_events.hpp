#pragma once

#include <cstdint>

#include "adapters/mysql/mysql_connection.hpp"
#include "app/campaign_store.hpp"

namespace bulkmsg::mysql {

/// Inserts one audit-trail row into campaign_events on `c` (inside the caller's transaction when one is open) and
/// writes it to the log as an `audit` line with campaign_id, event and actor.
void InsertCampaignEvent(MysqlConnection& c, std::uint64_t campaign_id, const app::AuditNote& note);

}  // namespace bulkmsg::mysql
