#pragma once

#include <nlohmann/json.hpp>

#include "app/campaign_store.hpp"
#include "app/message_store.hpp"
#include "app/suppression_store.hpp"
#include "app/target_upload.hpp"

namespace bulkmsg::api {

/// The JSON documents of the API's resources, as api/openapi.yaml describes them.
nlohmann::json CampaignJson(const app::CampaignRecord& campaign);
nlohmann::json MessageJson(const app::MessageRecord& message);
nlohmann::json EventJson(const app::CampaignEvent& event);
nlohmann::json SuppressionJson(const app::Suppression& suppression);
/// {accepted, duplicates, rejected, errors: [{row, field, reason}]}.
nlohmann::json UploadJson(const app::UploadReport& report);

}  // namespace bulkmsg::api
