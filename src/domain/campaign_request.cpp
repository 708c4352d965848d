#include "domain/campaign_request.hpp"

#include "domain/quiet_hours.hpp"

#include <date/date.h>

#include <algorithm>
#include <regex>
#include <sstream>

namespace bulkmsg::domain {

namespace {

const std::vector<std::string> kCampaignFields = {"name", "kind",        "template",      "scheduled_at",
                                                  "from", "send_window", "transactional", "quiet_hours"};
const std::vector<std::string> kTemplateFields = {"subject", "text", "html", "title", "data"};

void RejectUnknown(const nlohmann::json& object, const std::vector<std::string>& known, const std::string& prefix,
                   std::vector<FieldError>& errors) {
    for (const auto& [key, value] : object.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            errors.push_back({prefix + key, "unknown field"});
        }
    }
}

// The optional string `field` of `object` (empty when absent); an error when present but not a string or too long.
std::string OptionalText(const nlohmann::json& object, const std::string& field, const std::string& path,
                         std::size_t max_bytes, std::vector<FieldError>& errors) {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
        return "";
    }
    if (!it->is_string()) {
        errors.push_back({path, "must be a string"});
        return "";
    }
    if (it->get_ref<const std::string&>().size() > max_bytes) {
        errors.push_back({path, "must be at most " + std::to_string(max_bytes) + " bytes"});
        return "";
    }
    return it->get<std::string>();
}

void CheckTemplate(const std::string& source, const std::string& path, Escaping escaping,
                   std::vector<FieldError>& errors) {
    std::string error;
    if (!source.empty() && !MustacheTemplate::Parse(source, escaping, error)) {
        const auto at = ErrorPosition(source, error);
        errors.push_back(
            {path,
             "template does not parse: " + error +
                 (at ? " (line " + std::to_string(at->line) + ", column " + std::to_string(at->column) + ")" : ""),
             at});
    }
}

// `kind_known`: the campaign's kind parsed, so its channel's required templates can be checked.
// The optional boolean `field` of `object` (false when absent or null); an error when it is not a boolean.
bool OptionalBool(const nlohmann::json& object, const std::string& field, std::vector<FieldError>& errors) {
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
        return false;
    }
    if (!it->is_boolean()) {
        errors.push_back({field, "must be true or false"});
        return false;
    }
    return it->get<bool>();
}

void ParseTemplate(const nlohmann::json& body, CampaignContent& content, bool kind_known,
                   std::vector<FieldError>& errors) {
    const auto it = body.find("template");
    if (it == body.end() || !it->is_object()) {
        errors.push_back({"template", "is required and must be an object"});
        return;
    }
    const auto& tmpl = *it;
    RejectUnknown(tmpl, kTemplateFields, "template.", errors);
    constexpr std::size_t kMaxTemplate = 256 * 1024;
    content.subject = OptionalText(tmpl, "subject", "template.subject", 998, errors);
    content.text = OptionalText(tmpl, "text", "template.text", kMaxTemplate, errors);
    content.html = OptionalText(tmpl, "html", "template.html", kMaxTemplate, errors);
    content.title = OptionalText(tmpl, "title", "template.title", 1024, errors);
    if (content.text.empty()) {
        errors.push_back({"template.text", "is required"});
    }
    if (kind_known && content.kind == Channel::kEmail && content.subject.empty()) {
        errors.push_back({"template.subject", "is required for email campaigns"});
    }
    if (kind_known && content.kind == Channel::kPush && content.title.empty()) {
        errors.push_back({"template.title", "is required for push campaigns"});
    }
    if (const auto data = tmpl.find("data"); data != tmpl.end() && !data->is_null()) {
        const bool strings =
            data->is_object() && std::all_of(data->begin(), data->end(), [](const auto& v) { return v.is_string(); });
        if (!strings) {
            errors.push_back({"template.data", "must be an object of string templates"});
        } else {
            content.data = *data;
        }
    }
    CheckTemplate(content.subject, "template.subject", Escaping::kNone, errors);
    CheckTemplate(content.text, "template.text", Escaping::kNone, errors);
    CheckTemplate(content.html, "template.html", Escaping::kHtml, errors);
    CheckTemplate(content.title, "template.title", Escaping::kNone, errors);
    for (const auto& [key, value] : content.data.items()) {
        CheckTemplate(value.get<std::string>(), "template.data." + key, Escaping::kNone, errors);
    }
}

// "YYYY-MM-DDTHH:MM:SS[.ffffff]+HH:MM" as UTC; nullopt for an impossible date, time or offset.
// GCC 12 warns that date.h's seconds reading (`long double S`) may be used uninitialised: date.h converts it
// before looking at the stream, so a failed read converts garbage that is then discarded (the stream failed).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
std::optional<date::sys_time<std::chrono::microseconds>> ParseWithOffset(const std::string& text) {
    std::istringstream in(text);
    date::local_time<std::chrono::microseconds> local;
    std::chrono::minutes offset{0};
    in >> date::parse("%FT%T%Ez", local, offset);
    if (in.fail()) {
        return std::nullopt;
    }
    return date::sys_time<std::chrono::microseconds>{local.time_since_epoch() - offset};
}
#pragma GCC diagnostic pop

}  // namespace

std::optional<TimePoint> ParseRfc3339(const std::string& text) {
    // date::parse takes one-digit fields, "+9" offsets and a "." without digits, and reads a fraction only to
    // the duration's precision (an extra digit would be taken for the offset), so RFC 3339's fixed widths are
    // checked first; extra fraction digits are dropped (microseconds kept).
    static const std::regex shape(
        R"((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:)(\d{2})(?:(\.\d{1,6})\d*)?([Zz]|[+-]\d{2}:\d{2}))");
    std::smatch part;
    if (text.size() > 40 || !std::regex_match(text, part, shape)) {
        return std::nullopt;
    }
    // RFC 3339 allows a leap second (":60"), which date::parse refuses: it counts as second 0 of the next minute.
    const bool leap = part[2] == "60";
    const bool utc = part[4] == "Z" || part[4] == "z";
    const auto at = ParseWithOffset(part[1].str() + (leap ? "59" : part[2].str()) + part[3].str() +
                                    (utc ? "+00:00" : part[4].str()));
    if (!at) {
        return std::nullopt;
    }
    return std::chrono::time_point_cast<TimePoint::duration>(*at + std::chrono::seconds(leap ? 1 : 0));
}

std::string FormatRfc3339(TimePoint time) {
    return date::format("%FT%TZ", std::chrono::time_point_cast<std::chrono::microseconds>(time));
}

std::optional<NewCampaign> ParseNewCampaign(const nlohmann::json& body, std::vector<FieldError>& errors) {
    const auto errors_before = errors.size();
    if (!body.is_object()) {
        errors.push_back({"body", "must be a JSON object"});
        return std::nullopt;
    }
    RejectUnknown(body, kCampaignFields, "", errors);
    NewCampaign campaign;
    campaign.name = OptionalText(body, "name", "name", 255, errors);
    if (campaign.name.empty()) {
        errors.push_back({"name", "is required (1 to 255 bytes)"});
    }
    std::optional<Channel> kind;
    if (const auto it = body.find("kind"); it != body.end() && it->is_string()) {
        kind = ParseChannel(it->get<std::string>());
    }
    if (!kind) {
        errors.push_back({"kind", "is required and must be one of email, sms, push"});
    }
    campaign.content.kind = kind.value_or(Channel::kEmail);
    ParseTemplate(body, campaign.content, kind.has_value(), errors);
    campaign.content.from = OptionalText(body, "from", "from", 320, errors);
    if (!campaign.content.from.empty() && kind) {
        const bool valid = *kind == Channel::kEmail ? IsValidEmail(campaign.content.from)
                           : *kind == Channel::kSms ? IsValidE164(campaign.content.from)
                                                    : false;
        if (!valid) {
            errors.push_back({"from", *kind == Channel::kPush ? "is not used by push campaigns"
                                                              : "is not a valid sender for this channel"});
        }
    }
    if (const auto at = body.find("scheduled_at"); at != body.end() && !at->is_null()) {
        campaign.scheduled_at = at->is_string() ? ParseRfc3339(at->get<std::string>()) : std::nullopt;
        if (!campaign.scheduled_at) {
            errors.push_back({"scheduled_at", "must be an RFC 3339 timestamp such as 2026-12-01T09:00:00Z"});
        }
    }
    if (const auto window = body.find("send_window"); window != body.end() && !window->is_null()) {
        campaign.content.send_window = ParseSendWindow(*window, errors);
    }
    campaign.content.transactional = OptionalBool(body, "transactional", errors);
    campaign.content.quiet_hours = ParseQuietHours(body, campaign.content.kind, campaign.content.transactional, errors);
    if (errors.size() > errors_before) {
        return std::nullopt;
    }
    return campaign;
}

}  // namespace bulkmsg::domain
