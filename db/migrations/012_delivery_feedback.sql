-- Delivery feedback from the providers' webhooks (issue 20). Every statement is IF NOT EXISTS, so a run
-- interrupted part-way can be repeated.
--
-- outbox.delivery_status is what the provider said after taking the message: NULL until it accepted it, then
-- 'accepted' (the outcome writer sets it in the statement that marks the row sent), then whatever the webhooks
-- report, ordered by domain::ApplyDeliveryEvent (a late 'deferred' never overwrites 'delivered').
ALTER TABLE outbox
    ADD COLUMN IF NOT EXISTS delivery_status
        ENUM('accepted', 'delivered', 'deferred', 'bounced', 'dropped', 'undelivered', 'complained') NULL,
    ADD COLUMN IF NOT EXISTS delivered_at DATETIME(6) NULL,
    -- GET /campaigns/{id}/messages?delivery_status=… and the progress counts by delivery status
    ADD KEY IF NOT EXISTS idx_outbox_campaign_delivery (campaign_id, delivery_status, id),
    -- Twilio status callbacks name only the message SID
    ADD KEY IF NOT EXISTS idx_outbox_provider_msg (provider_msg_id);

-- Append-only: one row per provider event, deduplicated on the provider's event id (SendGrid sg_event_id; for
-- Twilio status callbacks "<MessageSid>:<MessageStatus>", for inbound SMS the inbound MessageSid). outbox_id and
-- campaign_id are NULL for events that concern no outbox row (an inbound STOP).
CREATE TABLE IF NOT EXISTS message_events (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    outbox_id BIGINT UNSIGNED NULL,
    campaign_id BIGINT UNSIGNED NULL,
    provider VARCHAR(20) NOT NULL,
    event_type VARCHAR(30) NOT NULL,
    provider_event_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    occurred_at DATETIME(6) NOT NULL,
    reason VARCHAR(512) NOT NULL DEFAULT '',
    code VARCHAR(32) NOT NULL DEFAULT '',
    -- the event as the provider sent it, cut at 4 KB (so not always valid JSON)
    raw TEXT NOT NULL,
    createdAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_message_events_provider_event (provider_event_id),
    KEY idx_message_events_outbox (outbox_id, occurred_at, id),
    KEY idx_message_events_campaign (campaign_id, event_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Where a suppression came from: source names provider and event ('sendgrid:bounce', 'twilio:stop', 'api'), and
-- the campaign and outbox row whose feedback caused it (NULL when none did). reason exists since 005.
ALTER TABLE suppressions
    ADD COLUMN IF NOT EXISTS source VARCHAR(64) NOT NULL DEFAULT 'api',
    ADD COLUMN IF NOT EXISTS campaign_id BIGINT UNSIGNED NULL,
    ADD COLUMN IF NOT EXISTS outbox_id BIGINT UNSIGNED NULL;
