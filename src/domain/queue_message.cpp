#include "domain/queue_message.hpp"

#include <nlohmann/json.hpp>

namespace bulkmsg::domain {

namespace {

// Compact, with invalid UTF-8 replaced rather than thrown; the delivery fields only for a batch item.
std::string Encode(const QueueMessage& message, bool with_delivery_fields) {
    nlohmann::ordered_json body = {{"outboxId", message.outbox_id},
                                   {"idempotencyKey", message.idempotency_key},
                                   {"campaignId", message.campaign_id},
                                   {"userRef", message.user_ref},
                                   {"kind", message.kind}};
    if (with_delivery_fields) {
        body["attempt"] = message.attempt;
        body["traceparent"] = message.traceparent;
    }
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const nlohmann::json& Field(const nlohmann::json& body, const char* name) {
    auto it = body.find(name);
    if (it == body.end()) {
        throw QueueMessageError(std::string("missing field ") + name);
    }
    return *it;
}

std::uint64_t IdField(const nlohmann::json& body, const char* name) {
    const auto& value = Field(body, name);
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() == 0) {
        throw QueueMessageError(std::string(name) + " must be a positive integer");
    }
    return value.get<std::uint64_t>();
}

std::string TextField(const nlohmann::json& body, const char* name) {
    const auto& value = Field(body, name);
    if (!value.is_string() || value.get<std::string>().empty()) {
        throw QueueMessageError(std::string(name) + " must be a non-empty string");
    }
    return value.get<std::string>();
}

// An optional field: absent is fine, present with the wrong type is an error.
unsigned AttemptField(const nlohmann::json& body) {
    auto it = body.find("attempt");
    if (it == body.end()) {
        return 0;
    }
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0 || it->get<std::uint64_t>() > 1'000'000) {
        throw QueueMessageError("attempt must be a positive integer");
    }
    return it->get<unsigned>();
}

std::string TraceparentField(const nlohmann::json& body) {
    auto it = body.find("traceparent");
    if (it == body.end()) {
        return "";
    }
    if (!it->is_string()) {
        throw QueueMessageError("traceparent must be a string");
    }
    return it->get<std::string>();
}

}  // namespace

std::string EncodeQueueMessage(const QueueMessage& message) {
    return Encode(message, false);
}

std::string EncodeQueueItem(const QueueMessage& message) {
    return Encode(message, true);
}

QueueMessage QueueMessageFromJson(const nlohmann::json& object) {
    if (!object.is_object()) {
        throw QueueMessageError("not a JSON object");
    }
    return {IdField(object, "outboxId"),  TextField(object, "idempotencyKey"), IdField(object, "campaignId"),
            TextField(object, "userRef"), TextField(object, "kind"),           AttemptField(object),
            TraceparentField(object)};
}

QueueMessage DecodeQueueMessage(std::string_view body) {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        throw QueueMessageError("body is not a JSON object");
    }
    return QueueMessageFromJson(json);
}

}  // namespace bulkmsg::domain
