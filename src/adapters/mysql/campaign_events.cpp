#include "adapters/mysql/campaign_events.hpp"

#include "app/log.hpp"

namespace bulkmsg::mysql {

void InsertCampaignEvent(MysqlConnection& c, std::uint64_t campaign_id, const app::AuditNote& note) {
    c.Execute(Sql(c, "INSERT INTO campaign_events (campaign_id, event, actor, details) VALUES (?,?,?,?)", campaign_id,
                  note.event, note.actor, note.details));
    app::Log(app::LogLevel::kInfo, "audit", "campaign " + note.event,
             {{"campaign_id", campaign_id}, {"event", note.event}, {"actor", note.actor}, {"details", note.details}});
}

}  // namespace bulkmsg::mysql
