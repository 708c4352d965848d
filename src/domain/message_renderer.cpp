#include "domain/message_renderer.hpp"

#include "domain/quiet_hours.hpp"

namespace bulkmsg::domain {

namespace {

std::optional<MustacheTemplate> Compile(const std::string& field, const std::string& source, Escaping escaping) {
    if (source.empty()) {
        return std::nullopt;
    }
    std::string error;
    auto parsed = MustacheTemplate::Parse(source, escaping, error);
    if (!parsed) {
        throw TemplateError(field, error);
    }
    return parsed;
}

std::string RenderOr(std::optional<MustacheTemplate>& tmpl, const nlohmann::json& context) {
    return tmpl ? tmpl->Render(context) : std::string();
}

}  // namespace

MessageRenderer::MessageRenderer(const CampaignContent& campaign, DefaultSenders defaults, UnsubscribeLinks links)
    : campaign_(campaign), defaults_(std::move(defaults)), links_(std::move(links)) {
    compiled_.subject = Compile("template.subject", campaign.subject, Escaping::kNone);
    compiled_.text = Compile("template.text", campaign.text, Escaping::kNone);
    compiled_.html = Compile("template.html", campaign.html, Escaping::kHtml);
    compiled_.title = Compile("template.title", campaign.title, Escaping::kNone);
    if (campaign.data.is_object()) {
        for (const auto& [key, value] : campaign.data.items()) {
            const auto source = value.is_string() ? value.get<std::string>() : value.dump();
            if (auto tmpl = Compile("template.data." + key, source, Escaping::kNone)) {
                compiled_.data.emplace(key, std::move(*tmpl));
            }
        }
    }
}

std::string MessageRenderer::From(Channel kind) const {
    if (kind == campaign_.kind && !campaign_.from.empty()) {
        return campaign_.from;
    }
    return kind == Channel::kSms ? defaults_.sms : defaults_.email;
}

std::string MessageRenderer::UnsubscribeUrlOf(const Target& target, std::uint64_t target_id) const {
    if (campaign_.transactional || !links_.Enabled()) {
        return "";
    }
    return UnsubscribeUrl(links_, {target.kind, campaign_.id, target_id});
}

std::string MessageRenderer::Payload(const Target& target, std::uint64_t target_id) {
    nlohmann::json context = target.metadata.is_object() ? target.metadata : nlohmann::json::object();
    context["user_ref"] = target.user_ref;
    const auto unsubscribe_url = UnsubscribeUrlOf(target, target_id);
    if (!unsubscribe_url.empty()) {
        context["unsubscribe_url"] = unsubscribe_url;
    }
    nlohmann::json payload;
    switch (target.kind) {
        case Channel::kEmail:
            payload = {{"to", target.user_ref},
                       {"from", From(target.kind)},
                       {"subject", RenderOr(compiled_.subject, context)},
                       {"text", RenderOr(compiled_.text, context)}};
            if (compiled_.html) {
                payload["html"] = compiled_.html->Render(context);
            }
            if (!unsubscribe_url.empty()) {
                payload["headers"] = ListUnsubscribeHeaders(links_, unsubscribe_url, campaign_.id);
            }
            break;
        case Channel::kSms:
            payload = {
                {"to", target.user_ref}, {"from", From(target.kind)}, {"body", RenderOr(compiled_.text, context)}};
            if (campaign_.quiet_hours) {
                payload["quiet_hours"] = QuietHoursPayload(*campaign_.quiet_hours, target.timezone);
            }
            break;
        case Channel::kPush: {
            nlohmann::json data = nlohmann::json::object();
            for (auto& [key, tmpl] : compiled_.data) {
                data[key] = tmpl.Render(context);
            }
            payload = {{"token", target.user_ref},
                       {"title", RenderOr(compiled_.title, context)},
                       {"body", RenderOr(compiled_.text, context)},
                       {"data", data}};
            break;
        }
    }
    return payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace bulkmsg::domain
