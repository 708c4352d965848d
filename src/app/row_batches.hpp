#pragma once

#include <cstddef>
#include <vector>

#include "app/message_publisher.hpp"
#include "domain/outbox_row.hpp"
#include "domain/tracing/span.hpp"

namespace bulkmsg::app {

/// One queue message built from a claim's rows, and which of those rows it carries.
struct RowBatch {
    std::vector<std::size_t> rows;  // indexes into the claim's rows, in claim order
    OutgoingMessage message;
};

/// Groups a claim's rows into queue messages of up to `size` rows each, every message holding rows of one campaign
/// and channel (groups in the order their first row was claimed, rows in claim order). `spans[i]` is row i's publish
/// span, whose context the message carries for that row.
///
/// size 1 gives one message per row exactly as the original design wrote it: the five-field object body,
/// message_id = the idempotency key, headers `attempt` and `traceparent`. Larger sizes give JSON array bodies
/// (EncodeQueueBatch) with `attempt` and `traceparent` per item; message_id is the key of a one-row batch, else
/// "batch-" + hex SHA-256 of the rows' keys joined by ',' (the same rows give the same id); the headers carry the
/// first item's attempt and traceparent.
std::vector<RowBatch> BatchRows(const std::vector<domain::OutboxRow>& rows, const std::vector<domain::Span>& spans,
                                std::size_t size);

}  // namespace bulkmsg::app
