#include "domain/providers/webhook_events.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

namespace bulkmsg::domain {

namespace {

using nlohmann::json;

std::string Cut(std::string text) {
    if (text.size() > kRawEventLimit) {
        text.resize(kRawEventLimit);
    }
    return text;
}

std::string TextField(const json& event, const char* name) {
    const auto it = event.find(name);
    if (it == event.end() || it->is_null()) {
        return {};
    }
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string RequiredText(const json& event, const char* name, const std::string& where) {
    const auto it = event.find(name);
    if (it == event.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
        throw MalformedWebhook(where + "." + name, "must be a non-empty string");
    }
    return it->get<std::string>();
}

std::optional<std::uint64_t> OutboxIdOf(const json& event) {
    const auto text = TextField(event, "outbox_id");
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id == 0) {
        return std::nullopt;
    }
    return id;
}

std::optional<DeliveryEventType> SendgridType(const json& event, const std::string& name) {
    if (name == "bounce") {
        const auto type = TextField(event, "type");
        return type.empty() || type == "bounce" ? DeliveryEventType::kBounce : DeliveryEventType::kBlocked;
    }
    static constexpr std::array<std::string_view, 10> kKnown = {
        "processed",   "delivered",         "deferred",          "dropped", "spamreport",
        "unsubscribe", "group_unsubscribe", "group_resubscribe", "open",    "click"};
    if (std::find(kKnown.begin(), kKnown.end(), name) == kKnown.end()) {
        return std::nullopt;
    }
    return ParseDeliveryEventType(name);
}

FeedbackEvent SendgridEvent(const json& event, DeliveryEventType type, const std::string& where) {
    FeedbackEvent e;
    e.provider = "sendgrid";
    e.type = type;
    e.provider_event_id = RequiredText(event, "sg_event_id", where).substr(0, 128);
    const auto ts = event.find("timestamp");
    if (ts == event.end() || !ts->is_number_integer()) {
        throw MalformedWebhook(where + ".timestamp", "must be an integer (Unix seconds)");
    }
    e.occurred_at = TimePoint(std::chrono::seconds(ts->get<std::int64_t>()));
    e.outbox_id = OutboxIdOf(event);
    e.idempotency_key = TextField(event, "idempotency_key");
    e.provider_msg_id = TextField(event, "sg_message_id");
    e.address = TextField(event, "email");
    e.reason = TextField(event, "reason").substr(0, 512);
    e.code = TextField(event, "status").substr(0, 32);
    e.raw = Cut(event.dump());
    return e;
}

std::string FieldOf(const FormFields& fields, std::string_view name) {
    const auto it = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; });
    return it == fields.end() ? std::string() : it->second;
}

std::string RequiredField(const FormFields& fields, std::string_view name) {
    auto value = FieldOf(fields, name);
    if (value.empty()) {
        throw MalformedWebhook(std::string(name), "is required");
    }
    return value;
}

std::string Trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    std::string out(text.substr(first, last - first + 1));
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

}  // namespace

std::vector<FeedbackEvent> ParseSendgridEvents(std::string_view body) {
    const auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_array()) {
        throw MalformedWebhook("body", "must be a JSON array of events");
    }
    std::vector<FeedbackEvent> events;
    events.reserve(parsed.size());
    for (std::size_t i = 0; i < parsed.size(); ++i) {
        const auto& event = parsed[i];
        const auto where = "[" + std::to_string(i) + "]";
        if (!event.is_object()) {
            throw MalformedWebhook(where, "must be an object");
        }
        if (const auto type = SendgridType(event, RequiredText(event, "event", where))) {
            events.push_back(SendgridEvent(event, *type, where));
        }
    }
    return events;
}

std::optional<FeedbackEvent> ParseTwilioStatus(const FormFields& fields, TimePoint received_at) {
    const auto sid = RequiredField(fields, "MessageSid");
    const auto status = RequiredField(fields, "MessageStatus");
    std::optional<DeliveryEventType> type;
    if (status == "sent" || status == "delivered" || status == "undelivered" || status == "failed") {
        type = ParseDeliveryEventType(status);
    }
    if (!type) {
        return std::nullopt;
    }
    FeedbackEvent e;
    e.provider = "twilio";
    e.type = *type;
    e.provider_event_id = (sid + ":" + status).substr(0, 128);
    e.occurred_at = received_at;
    e.provider_msg_id = sid;
    e.address = FieldOf(fields, "To");
    e.code = FieldOf(fields, "ErrorCode").substr(0, 32);
    e.reason = FieldOf(fields, "ErrorMessage").substr(0, 512);
    e.raw = Cut(FormEncode(fields));
    return e;
}

SmsKeyword SmsKeywordOf(std::string_view body) {
    static constexpr std::array<std::string_view, 8> kStop = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL",
                                                              "END",  "QUIT",    "REVOKE",      "OPTOUT"};
    static constexpr std::array<std::string_view, 3> kStart = {"START", "YES", "UNSTOP"};
    const auto word = Trimmed(body);
    if (std::find(kStop.begin(), kStop.end(), word) != kStop.end()) {
        return SmsKeyword::kStop;
    }
    if (std::find(kStart.begin(), kStart.end(), word) != kStart.end()) {
        return SmsKeyword::kStart;
    }
    return SmsKeyword::kNone;
}

std::optional<FeedbackEvent> ParseTwilioInbound(const FormFields& fields, TimePoint received_at) {
    const auto sid = RequiredField(fields, "MessageSid");
    const auto from = RequiredField(fields, "From");
    const auto keyword = SmsKeywordOf(FieldOf(fields, "Body"));
    if (keyword == SmsKeyword::kNone) {
        return std::nullopt;
    }
    FeedbackEvent e;
    e.provider = "twilio";
    e.type = keyword == SmsKeyword::kStop ? DeliveryEventType::kStop : DeliveryEventType::kStart;
    e.provider_event_id = sid.substr(0, 128);
    e.occurred_at = received_at;
    e.address = from;
    e.reason = "inbound " + Trimmed(FieldOf(fields, "Body"));
    e.raw = Cut(FormEncode(fields));
    return e;
}

}  // namespace bulkmsg::domain
