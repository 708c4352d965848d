#include "app/row_batches.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>

#include "domain/queue_batch.hpp"
#include "domain/sha256.hpp"

namespace bulkmsg::app {

namespace {

domain::QueueMessage Item(const domain::OutboxRow& row, const domain::Span& span) {
    return {row.id, row.idempotency_key, row.campaign_id, row.user_ref, row.kind, row.attempts + 1, span.Traceparent()};
}

std::string BatchId(const std::vector<domain::QueueMessage>& items) {
    if (items.size() == 1) {
        return items.front().idempotency_key;
    }
    std::string keys;
    for (const auto& item : items) {
        keys += keys.empty() ? "" : ",";
        keys += item.idempotency_key;
    }
    return "batch-" + domain::Sha256Hex(keys);
}

/// The rows of each campaign and channel, in the order each group's first row appears; with `size` 1 every row on
/// its own, in claim order (as the original published them).
std::vector<std::vector<std::size_t>> Groups(const std::vector<domain::OutboxRow>& rows, std::size_t size) {
    std::vector<std::vector<std::size_t>> groups;
    if (size == 1) {
        for (std::size_t i = 0; i < rows.size(); ++i) {
            groups.push_back({i});
        }
        return groups;
    }
    std::map<std::pair<std::uint64_t, std::string_view>, std::size_t> group_of;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto [it, added] = group_of.try_emplace({rows[i].campaign_id, rows[i].kind}, groups.size());
        if (added) {
            groups.emplace_back();
        }
        groups[it->second].push_back(i);
    }
    return groups;
}

}  // namespace

std::vector<RowBatch> BatchRows(const std::vector<domain::OutboxRow>& rows, const std::vector<domain::Span>& spans,
                                std::size_t size) {
    size = std::max<std::size_t>(size, 1);
    std::vector<RowBatch> batches;
    for (const auto& group : Groups(rows, size)) {
        for (std::size_t start = 0; start < group.size(); start += size) {
            RowBatch batch;
            std::vector<domain::QueueMessage> items;
            for (std::size_t j = start; j < std::min(group.size(), start + size); ++j) {
                batch.rows.push_back(group[j]);
                items.push_back(Item(rows[group[j]], spans[group[j]]));
            }
            const auto& first = items.front();
            batch.message = {size == 1 ? domain::EncodeQueueMessage(first) : domain::EncodeQueueBatch(items),
                             BatchId(items), first.attempt, first.traceparent};
            batches.push_back(std::move(batch));
        }
    }
    return batches;
}

}  // namespace bulkmsg::app
