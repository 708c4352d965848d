#include "feedback_events.hpp"

#include <algorithm>
#include <ctime>

namespace bulkmsg::sim {

namespace {

std::string Bytes(std::uint64_t a, std::uint64_t b) {
    std::string out(16, '\0');
    for (int i = 0; i < 8; ++i) {
        out[i] = static_cast<char>(a >> (8 * i));
        out[8 + i] = static_cast<char>(b >> (8 * i));
    }
    return out;
}

std::string Hex(std::uint64_t a, std::uint64_t b) {
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(a),
                  static_cast<unsigned long long>(b));
    return text;
}

nlohmann::json BaseEvent(const AcceptedMail& mail, const std::string& type, std::int64_t timestamp, FeedbackIds& ids) {
    nlohmann::json event(mail.custom_args);  // SendGrid's own fields win over custom args of the same name
    event["email"] = mail.email;
    event["timestamp"] = timestamp;
    event["event"] = type;
    event["smtp-id"] = "<" + mail.message_id + "@sim.sendgrid.net>";
    event["sg_event_id"] = ids.EventId();
    event["sg_message_id"] = mail.message_id + ".filter0001.sim.0";
    if (type == "delivered") {
        event.update({{"response", "250 OK"}, {"ip", "127.0.0.1"}, {"tls", 1}});
    } else if (type == "deferred") {
        event.update({{"response", "400 try again later"}, {"attempt", "1"}, {"ip", "127.0.0.1"}, {"tls", 1}});
    } else if (type == "bounce") {
        event.update({{"type", "bounce"},
                      {"status", "5.1.1"},
                      {"ip", "127.0.0.1"},
                      {"tls", 1},
                      {"reason", "550 5.1.1 The email account that you tried to reach does not exist"}});
    } else if (type == "dropped") {
        event.update({{"reason", "Bounced Address"}, {"status", "5.0.0"}});
    } else if (type == "open") {
        event.update({{"useragent", "Mozilla/5.0 (sim)"}, {"ip", "127.0.0.1"}, {"sg_machine_open", false}});
    } else if (type == "click") {
        event.update({{"url", "https://example.com/"},
                      {"url_offset", {{"index", 0}, {"type", "html"}}},
                      {"useragent", "Mozilla/5.0 (sim)"},
                      {"ip", "127.0.0.1"}});
    }
    return event;
}

/// The event types of one mail in true order; the last delivery-state event is the one the tags go on.
std::vector<std::string> MailEventTypes(const MailFate& fate) {
    if (fate.outcome == MailOutcome::kDropped) {
        return {"dropped"};  // SendGrid drops before processing
    }
    std::vector<std::string> types = {"processed"};
    if (fate.outcome == MailOutcome::kBounced) {
        types.emplace_back("bounce");
        return types;
    }
    if (fate.deferred) {
        types.emplace_back("deferred");
    }
    types.emplace_back("delivered");
    if (fate.opened) {
        types.emplace_back("open");
    }
    if (fate.clicked) {
        types.emplace_back("click");
    }
    if (fate.outcome == MailOutcome::kComplained) {
        types.emplace_back("spamreport");
    }
    return types;
}

std::vector<std::string> MessageTags(std::string outcome, bool deferred, bool out_of_order, bool duplicate) {
    std::vector<std::string> tags = {std::move(outcome)};
    for (const auto& [on, tag] : {std::pair{deferred, "deferred"}, std::pair{out_of_order, "out_of_order"},
                                  std::pair{duplicate, "duplicated"}}) {
        if (on) {
            tags.emplace_back(tag);
        }
    }
    return tags;
}

/// Twilio's RawDlrDoneDate: YYMMDDhhmm, UTC.
std::string DlrDate(std::chrono::system_clock::time_point now) {
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[16];
    std::strftime(text, sizeof text, "%y%m%d%H%M", &tm);
    return text;
}

}  // namespace

std::vector<AcceptedMail> AcceptedMails(const nlohmann::json& body, const std::string& message_id) {
    const auto overlay = [](std::map<std::string, std::string>& args, const nlohmann::json& holder) {
        if (const auto it = holder.find("custom_args"); it != holder.end() && it->is_object()) {
            for (const auto& [name, value] : it->items()) {
                args[name] = value.is_string() ? value.get<std::string>() : value.dump();
            }
        }
    };
    std::map<std::string, std::string> message_args;
    overlay(message_args, body);
    std::vector<AcceptedMail> mails;
    for (const auto& personalization : body.at("personalizations")) {
        auto args = message_args;
        overlay(args, personalization);
        for (const auto& to : personalization.at("to")) {
            mails.push_back({to.value("email", ""), message_id, args});
        }
    }
    return mails;
}

std::string FeedbackIds::EventId() {
    const auto n = next_++;
    const auto encoded = domain::Base64Encode(Bytes(Mix64(seed_ ^ Mix64(n)), Mix64(n)));
    std::string id;
    for (const char c : encoded) {
        if (c != '=') {
            id += c == '+' ? '-' : c == '/' ? '_' : c;
        }
    }
    return id;
}

std::string FeedbackIds::MessageSid() {
    const auto n = next_++;
    return "SM" + Hex(Mix64(seed_ ^ Mix64(n)), Mix64(n));
}

std::vector<SendgridEvent> SendgridEvents(const AcceptedMail& mail, const MailFate& fate, std::int64_t timestamp,
                                          FeedbackIds& ids) {
    const auto types = MailEventTypes(fate);
    const auto final_state = fate.outcome == MailOutcome::kComplained  ? "spamreport"
                             : fate.outcome == MailOutcome::kDelivered ? "delivered"
                                                                       : types.back();
    std::vector<SendgridEvent> events;
    for (const auto& type : types) {
        SendgridEvent e{{type, false, {}}, BaseEvent(mail, type, timestamp, ids)};
        if (type == final_state) {
            e.item.tags = MessageTags(std::string(kMailOutcomeNames.Of(fate.outcome)), fate.deferred,
                                      fate.out_of_order && types.size() > 1, fate.duplicate);
        } else if (type == "open" || type == "click") {
            e.item.tags = {type == "open" ? "opened" : "clicked"};
        }
        events.push_back(std::move(e));
    }
    if (fate.out_of_order && types.size() > 1) {
        std::reverse(events.begin(), events.end());
    }
    if (fate.duplicate) {
        const auto& original = *std::find_if(events.begin(), events.end(),
                                             [&](const SendgridEvent& e) { return e.item.type == final_state; });
        events.push_back({{original.item.type, true, {}}, original.event, true});
    }
    return events;
}

std::vector<TwilioPost> TwilioCallbacks(const AcceptedSms& sms, const SmsFate& fate, const std::string& webhook_url,
                                        std::chrono::system_clock::time_point now, FeedbackIds& ids) {
    const auto url = sms.status_callback.empty() ? webhook_url + "/webhooks/twilio/status" : sms.status_callback;
    std::vector<std::string> statuses = {"sent", std::string(kSmsOutcomeNames.Of(fate.outcome))};
    if (fate.outcome == SmsOutcome::kFailed) {
        statuses.erase(statuses.begin());
    }
    std::vector<TwilioPost> posts;
    for (const auto& status : statuses) {
        domain::FormFields form = {{"MessageSid", sms.message_sid},
                                   {"SmsSid", sms.message_sid},
                                   {"MessageStatus", status},
                                   {"SmsStatus", status},
                                   {"AccountSid", sms.account_sid},
                                   {"From", sms.from},
                                   {"To", sms.to},
                                   {"ApiVersion", "2010-04-01"}};
        if (status == "undelivered" || status == "failed") {
            form.emplace_back("ErrorCode", status == "undelivered" ? "30006" : "30008");
        }
        if (status != "sent") {
            form.emplace_back("RawDlrDoneDate", DlrDate(now));
        }
        posts.push_back({{status, false, {}}, url, std::move(form), ids.MessageSid()});
    }
    posts.back().item.tags = MessageTags(statuses.back(), false, fate.out_of_order && posts.size() > 1, fate.duplicate);
    if (fate.out_of_order && posts.size() > 1) {
        std::reverse(posts.begin(), posts.end());
    }
    if (fate.duplicate) {
        auto copy = *std::find_if(posts.begin(), posts.end(),
                                  [&](const TwilioPost& p) { return p.item.type == statuses.back(); });
        copy.item = {copy.item.type, true, {}};
        posts.push_back(std::move(copy));
    }
    if (fate.stop) {
        const auto sid = ids.MessageSid();
        posts.push_back({{"stop", false, {"stopped"}},
                         webhook_url + "/webhooks/twilio/inbound",
                         {{"MessageSid", sid},
                          {"SmsSid", sid},
                          {"SmsMessageSid", sid},
                          {"AccountSid", sms.account_sid},
                          {"From", sms.to},
                          {"To", sms.from},
                          {"Body", "STOP"},
                          {"NumMedia", "0"},
                          {"NumSegments", "1"},
                          {"SmsStatus", "received"},
                          {"ApiVersion", "2010-04-01"}},
                         ids.MessageSid()});
    }
    return posts;
}

}  // namespace bulkmsg::sim
