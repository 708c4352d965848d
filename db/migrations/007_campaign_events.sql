-- The audit trail of campaign lifecycle events: who (API key name, or the service role for automatic steps) did
-- what and when. Written in the same transaction as the change it records; read by GET /campaigns/{id}/events.
CREATE TABLE IF NOT EXISTS campaign_events (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    campaign_id BIGINT UNSIGNED NOT NULL,
    event VARCHAR(40) NOT NULL,
    actor VARCHAR(100) NOT NULL,
    details JSON NULL,
    createdAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY idx_campaign_events_campaign (campaign_id, id),
    CONSTRAINT fk_campaign_events_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
