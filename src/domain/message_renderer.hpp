#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "domain/channel.hpp"
#include "domain/send_window.hpp"
#include "domain/target.hpp"
#include "domain/template_renderer.hpp"

namespace bulkmsg::domain {

/// What preparation needs of a campaign: its channel, templates and sender.
struct CampaignContent {
    std::uint64_t id = 0;
    Channel kind = Channel::kEmail;
    std::string subject;                             // email
    std::string text;                                // all channels: the plain-text body (SMS body, push body)
    std::string html;                                // email, optional
    std::string title;                               // push
    nlohmann::json data = nlohmann::json::object();  // push: string templates sent as the data map
    std::string from;                       // sender for this campaign; empty = the configured default of the channel
    std::optional<SendWindow> send_window;  // local time of day each recipient's message waits for
};

/// A template of a campaign that does not parse: which one, and the parser's message.
class TemplateError : public std::runtime_error {
public:
    TemplateError(std::string field, const std::string& message)
        : std::runtime_error(field + ": " + message), field_(std::move(field)) {}
    const std::string& Field() const { return field_; }

private:
    std::string field_;
};

/// The configured default senders: EMAIL_FROM (with EMAIL_FROM_NAME) and SMS_SENDER_ID.
struct DefaultSenders {
    std::string email;
    std::string sms;
};

/// Renders a campaign's templates for each target into the channel payload stored in outbox.payload:
///   email {"to","from","subject","text","html"?}   sms {"to","from","body"}
///   push  {"token","title","body","data":{string: string}}
/// The render context is the target's metadata plus "user_ref". HTML is escaped only in `html`. The sender
/// is the campaign's `from` for targets of the campaign's channel, else the channel's default.
/// Parses every template once at construction. Not thread-safe.
class MessageRenderer {
public:
    /// Throws TemplateError naming the template ("template.subject", …) that does not parse.
    MessageRenderer(const CampaignContent& campaign, DefaultSenders defaults);

    std::string Payload(const Target& target);

private:
    struct Compiled {
        std::optional<MustacheTemplate> subject, text, html, title;
        std::map<std::string, MustacheTemplate> data;
    };
    std::string From(Channel kind) const;

    CampaignContent campaign_;
    DefaultSenders defaults_;
    Compiled compiled_;
};

}  // namespace bulkmsg::domain
