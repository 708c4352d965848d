-- When a consumer last claimed the row ('sending'): the consumers' lease clock, kept apart from queued_at (the
-- last publish) so queue-to-send latency stays measurable. The poller republishes 'sending' rows whose claim is
-- older than QUEUED_LEASE_SECONDS (the consumer died) through idx_outbox_sending.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS sending_at DATETIME(6) NULL AFTER queued_at;
CREATE INDEX IF NOT EXISTS idx_outbox_sending ON outbox (status, sending_at);
