#include "domain/campaign_request.hpp"

#include <date/date.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace bulkmsg::domain {

namespace {

const std::vector<std::string> kCampaignFields = {"name", "kind", "template", "scheduled_at", "from", "send_window"};
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
        errors.push_back({path, "template does not parse: " + error});
    }
}

// `kind_known`: the campaign's kind parsed, so its channel's required templates can be checked.
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

}  // namespace

std::optional<TimePoint> ParseRfc3339(const std::string& text) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
    if (text.size() > 40 ||
        std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second,
                    &consumed) != 6 ||
        consumed != 19) {
        return std::nullopt;
    }
    const date::year_month_day ymd{date::year(year), date::month(static_cast<unsigned>(month)),
                                   date::day(static_cast<unsigned>(day))};
    if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    std::string_view rest(text.c_str() + consumed);
    std::chrono::microseconds fraction{0};
    if (!rest.empty() && rest[0] == '.') {
        std::size_t digits = 1;
        long long micros = 0;
        for (; digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits])); ++digits) {
            micros = digits <= 6 ? micros * 10 + (rest[digits] - '0') : micros;
        }
        if (digits == 1) {
            return std::nullopt;
        }
        for (std::size_t i = digits; i <= 6; ++i) {
            micros *= 10;
        }
        fraction = std::chrono::microseconds(micros);
        rest.remove_prefix(digits);
    }
    std::chrono::minutes offset{0};
    if (rest == "Z" || rest == "z") {
        offset = std::chrono::minutes(0);
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
               std::isdigit(static_cast<unsigned char>(rest[1])) && std::isdigit(static_cast<unsigned char>(rest[2])) &&
               std::isdigit(static_cast<unsigned char>(rest[4])) && std::isdigit(static_cast<unsigned char>(rest[5]))) {
        const int minutes = ((rest[1] - '0') * 10 + (rest[2] - '0')) * 60 + (rest[4] - '0') * 10 + (rest[5] - '0');
        offset = std::chrono::minutes(rest[0] == '-' ? -minutes : minutes);
    } else {
        return std::nullopt;
    }
    const auto local = date::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
                       std::chrono::seconds(second) + fraction;
    return std::chrono::time_point_cast<TimePoint::duration>(local - offset);
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
    if (errors.size() > errors_before) {
        return std::nullopt;
    }
    return campaign;
}

}  // namespace bulkmsg::domain
