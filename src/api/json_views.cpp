#include "api/json_views.hpp"

namespace bulkmsg::api {

namespace {

template <typename T>
nlohmann::json OrNull(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json();
}

nlohmann::json TemplateJson(const domain::CampaignContent& content) {
    nlohmann::json tmpl = {{"text", content.text}};
    for (const auto& [key, value] :
         {std::pair{"subject", content.subject}, {"html", content.html}, {"title", content.title}}) {
        if (!value.empty()) {
            tmpl[key] = value;
        }
    }
    if (!content.data.empty()) {
        tmpl["data"] = content.data;
    }
    return tmpl;
}

}  // namespace

nlohmann::json CampaignJson(const app::CampaignRecord& c) {
    return {
        {"id", c.id},
        {"name", c.name},
        {"kind", std::string(domain::ToString(c.content.kind))},
        {"status", std::string(domain::ToString(c.status))},
        {"status_reason", OrNull(c.status_reason)},
        {"template", TemplateJson(c.content)},
        {"from", c.content.from.empty() ? nlohmann::json() : nlohmann::json(c.content.from)},
        {"send_window", c.content.send_window ? domain::SendWindowJson(*c.content.send_window) : nlohmann::json()},
        {"transactional", c.content.transactional},
        {"quiet_hours", c.content.quiet_hours ? domain::SendWindowJson(*c.content.quiet_hours) : nlohmann::json()},
        {"scheduled_at", c.scheduled_at ? nlohmann::json(domain::FormatRfc3339(*c.scheduled_at)) : nlohmann::json()},
        {"created_at", domain::FormatRfc3339(c.created_at)},
        {"updated_at", domain::FormatRfc3339(c.updated_at)}};
}

nlohmann::json MessageJson(const app::MessageRecord& m) {
    return {{"id", m.id},
            {"user_ref", m.user_ref},
            {"kind", m.kind},
            {"status", std::string(domain::ToString(m.status))},
            {"attempts", m.attempts},
            {"last_error", OrNull(m.last_error)},
            {"provider_msg_id", OrNull(m.provider_msg_id)},
            {"available_at", OrNull(m.available_at)},
            {"sent_at", OrNull(m.sent_at)},
            {"delivery_status", m.delivery_status ? nlohmann::json(domain::ToString(*m.delivery_status)) : nullptr},
            {"delivered_at", OrNull(m.delivered_at)}};
}

nlohmann::json EventJson(const app::CampaignEvent& e) {
    return {{"id", e.id},
            {"event", e.note.event},
            {"actor", e.note.actor},
            {"details", e.note.details},
            {"created_at", e.created_at}};
}

nlohmann::json SuppressionJson(const app::Suppression& s) {
    return {{"id", s.id},           {"channel", std::string(domain::ToString(s.channel))},
            {"address", s.address}, {"reason", s.reason},
            {"source", s.source},   {"campaign_id", s.campaign_id ? nlohmann::json(*s.campaign_id) : nlohmann::json()}};
}

nlohmann::json UploadJson(const app::UploadReport& report) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : report.errors) {
        errors.push_back({{"row", e.row}, {"field", e.field}, {"reason", e.reason}});
    }
    return {{"accepted", report.totals.accepted},
            {"duplicates", report.totals.duplicates},
            {"rejected", report.rejected},
            {"errors", errors}};
}

}  // namespace bulkmsg::api
