#include "domain/queue_message.hpp"

#include <nlohmann/json.hpp>

namespace bulkmsg::domain {

std::string EncodeQueueMessage(const QueueMessage& message) {
    nlohmann::ordered_json body = {{"outboxId", message.outbox_id},
                                   {"idempotencyKey", message.idempotency_key},
                                   {"campaignId", message.campaign_id},
                                   {"userRef", message.user_ref},
                                   {"kind", message.kind}};
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

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

}  // namespace

QueueMessage DecodeQueueMessage(std::string_view body) {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        throw QueueMessageError("body is not a JSON object");
    }
    return {IdField(json, "outboxId"), TextField(json, "idempotencyKey"), IdField(json, "campaignId"),
            TextField(json, "userRef"), TextField(json, "kind")};
}

}  // namespace bulkmsg::domain
