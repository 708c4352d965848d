#include "adapters/mysql/campaign_events.hpp"

#include "app/log.hpp"

namespace bulkmsg::mysql {

void InsertCampaignEvent(MysqlConnection& c, std::uint64_t campaign_id, const app::AuditNote& note) {
    const auto details = note.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    c.Execute("INSERT INTO campaign_events (campaign_id, event, actor, details) VALUES (" +
              std::to_string(campaign_id) + "," + c.Quote(note.event) + "," + c.Quote(note.actor) + "," +
              c.Quote(details) + ")");
    app::Log(app::LogLevel::kInfo, "audit", "campaign " + note.event,
             {{"campaign_id", campaign_id}, {"event", note.event}, {"actor", note.actor}, {"details", note.details}});
}

}  // namespace bulkmsg::mysql
