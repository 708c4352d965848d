#include "domain/queue_batch.hpp"

#include <nlohmann/json.hpp>

namespace bulkmsg::domain {

namespace {

// Compact, with invalid UTF-8 replaced (as EncodeQueueItem writes it).
template <typename Json>
std::string Dump(const Json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

QueueItem Bad(std::string error, std::string body) {
    return {std::nullopt, std::move(error), std::move(body)};
}

}  // namespace

std::string EncodeQueueBatch(const std::vector<QueueMessage>& messages) {
    std::string body = "[";
    for (const auto& m : messages) {
        body += EncodeQueueItem(m);
        body += ',';
    }
    if (messages.empty()) {
        body += ',';
    }
    body.back() = ']';
    return body;
}

std::vector<QueueItem> DecodeQueueBody(std::string_view body) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_object()) {
        try {
            return {{QueueMessageFromJson(json), "", std::string(body)}};
        } catch (const QueueMessageError& e) {
            return {Bad(e.what(), std::string(body))};
        }
    }
    if (json.is_discarded() || !json.is_array() || json.empty()) {
        return {Bad("body is not a JSON object or a non-empty array of them", std::string(body))};
    }
    std::vector<QueueItem> items;
    items.reserve(json.size());
    for (std::size_t i = 0; i < json.size(); ++i) {
        try {
            items.push_back({QueueMessageFromJson(json[i]), "", ""});
        } catch (const QueueMessageError& e) {
            items.push_back(Bad("item " + std::to_string(i) + ": " + e.what(), Dump(json[i])));
        }
    }
    return items;
}

std::string QueueItemBody(const QueueItem& item) {
    return item.body.empty() && item.message ? EncodeQueueItem(*item.message) : item.body;
}

}  // namespace bulkmsg::domain
