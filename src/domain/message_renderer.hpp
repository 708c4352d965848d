#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "domain/channel.hpp"
#include "domain/list_unsubscribe.hpp"
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
    bool transactional = false;             // receipts and the like: no unsubscribe link or headers
    std::optional<SendWindow> quiet_hours;  // sms: the local hours texts may go out in (quiet_hours.hpp)
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
///   email {"to","from","subject","text","html"?,"headers"?}   sms {"to","from","body","quiet_hours"?}
///   push  {"token","title","body","data":{string: string}}
/// The render context is the target's metadata plus "user_ref". HTML is escaped only in `html`. The sender
/// is the campaign's `from` for targets of the campaign's channel, else the channel's default.
/// Unless the campaign is transactional or `links` is disabled, the context also has "unsubscribe_url" (the target's
/// one-click link) and an email payload gets "headers": ListUnsubscribeHeaders, sent by the email provider.
/// Parses every template once at construction. Not thread-safe.
class MessageRenderer {
public:
    /// Throws TemplateError naming the template ("template.subject", …) that does not parse.
    MessageRenderer(const CampaignContent& campaign, DefaultSenders defaults, UnsubscribeLinks links = {});

    /// `target_id` is the campaign_targets row id, which the unsubscribe token refers to.
    std::string Payload(const Target& target, std::uint64_t target_id);

private:
    struct Compiled {
        std::optional<MustacheTemplate> subject, text, html, title;
        std::map<std::string, MustacheTemplate> data;
    };
    std::string From(Channel kind) const;
    /// The unsubscribe link of a target; empty when the campaign gets none.
    std::string UnsubscribeUrlOf(const Target& target, std::uint64_t target_id) const;

    CampaignContent campaign_;
    DefaultSenders defaults_;
    UnsubscribeLinks links_;
    Compiled compiled_;
};

}  // namespace bulkmsg::domain
