#pragma once

#include "adapters/mysql/mysql_pool.hpp"
#include "app/feedback_store.hpp"

namespace bulkmsg::mysql {

/// FeedbackStore on MariaDB/MySQL (migration 012). An Ingest is one READ COMMITTED transaction whose statement count
/// does not grow with the batch: the rows the events name (locked), one multi-row INSERT IGNORE … RETURNING into
/// message_events (which says exactly which events are new), one UPDATE per distinct new (delivery status,
/// delivered_at), and one statement per suppression source. MatchLateEvents locks the same way (rows, then events),
/// so it cannot deadlock with an Ingest.
/// Thread-safe.
class MysqlFeedbackStore final : public app::FeedbackStore {
public:
    explicit MysqlFeedbackStore(MysqlPool& pool) : pool_(pool) {}

    app::FeedbackResult Ingest(const std::vector<domain::FeedbackEvent>& events) override;
    app::LateMatchResult MatchLateEvents(domain::TimePoint since, std::size_t limit) override;
    std::optional<std::vector<app::StoredEvent>> EventsOf(std::uint64_t outbox_id) override;

private:
    MysqlPool& pool_;
};

}  // namespace bulkmsg::mysql
