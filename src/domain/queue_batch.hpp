#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/queue_message.hpp"

namespace bulkmsg::domain {

/// One item of a received notification.queue message: the parsed message, or why it is not one.
struct QueueItem {
    std::optional<QueueMessage> message;  // nullopt: `error` says what is wrong with the item
    std::string error;                    // e.g. "item 3: missing field outboxId"
    /// The whole body for a single object; the item's own JSON for an array item that failed to decode; empty for
    /// a good array item (QueueItemBody encodes it again, only when it is dead-lettered).
    std::string body;

    bool operator==(const QueueItem&) const = default;
};

/// A batch body: a JSON array of message objects with every field, `attempt` and `traceparent` included, e.g.
/// [{"outboxId":1,"idempotencyKey":"…","campaignId":7,"userRef":"ana@example.com","kind":"email","attempt":1,
///   "traceparent":"00-…-01"}, …].
std::string EncodeQueueBatch(const std::vector<QueueMessage>& messages);

/// Parses a body that is one message object (as the original service and older pollers wrote it) or a non-empty
/// array of them. Always returns at least one item: a body that is neither gives one item with its error (the whole
/// body), and each bad item of an array is returned with an error naming its index (from 0) and the field, so the
/// good items of a batch are still delivered.
std::vector<QueueItem> DecodeQueueBody(std::string_view body);

/// What a dead letter of `item` alone carries: the text of an item that failed to decode; for a good array item
/// its fields encoded again (EncodeQueueItem: fields the decoder does not know are not kept).
std::string QueueItemBody(const QueueItem& item);

}  // namespace bulkmsg::domain
