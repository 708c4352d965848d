-- Initial schema: a superset of the original service's tables, so its rows stay readable.
-- Written for MariaDB 10.11 and MySQL 8. Every statement is IF NOT EXISTS, so a run interrupted
-- part-way (DDL commits implicitly) can be repeated.

CREATE TABLE IF NOT EXISTS campaigns (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name VARCHAR(255) NOT NULL,
    kind ENUM('email', 'sms', 'push') NOT NULL,
    status ENUM('draft', 'scheduled', 'preparing', 'running', 'paused', 'completed', 'cancelled', 'failed')
        NOT NULL DEFAULT 'draft',
    scheduled_at DATETIME(6) NULL,
    -- Mustache templates: subject (email), text (all), html (email), title (push), data (push payload data).
    template_subject TEXT NULL,
    template_text MEDIUMTEXT NULL,
    template_html MEDIUMTEXT NULL,
    template_title TEXT NULL,
    template_data JSON NULL,
    send_window JSON NULL,
    from_address VARCHAR(320) NULL,
    createdAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updatedAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY idx_campaigns_status (status, id),
    KEY idx_campaigns_scheduled (status, scheduled_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS campaign_targets (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    campaign_id BIGINT UNSIGNED NOT NULL,
    user_ref VARCHAR(255) NOT NULL,
    kind ENUM('email', 'sms', 'push') NOT NULL,
    timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    metadata JSON NULL,
    createdAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updatedAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    -- One target per address and channel in a campaign; also serves keyset pagination by campaign.
    UNIQUE KEY uq_targets_campaign_ref (campaign_id, kind, user_ref),
    KEY idx_targets_campaign_id (campaign_id, id),
    CONSTRAINT fk_targets_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS outbox (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    campaign_id BIGINT UNSIGNED NOT NULL,
    target_id BIGINT UNSIGNED NULL,
    user_ref VARCHAR(255) NOT NULL,
    kind ENUM('email', 'sms', 'push') NOT NULL,
    payload JSON NOT NULL,
    -- hex SHA-256 of "<campaign_id>:<user_ref>:<kind>", as the original service computes it
    idempotency_key CHAR(64) NOT NULL,
    status ENUM('pending', 'queued', 'sent', 'failed', 'retrying', 'sending', 'cancelled', 'suppressed')
        NOT NULL DEFAULT 'pending',
    attempts INT UNSIGNED NOT NULL DEFAULT 0,
    last_error VARCHAR(1024) NULL,
    provider_msg_id VARCHAR(255) NULL,
    -- earliest time the poller may publish the row: send-window start, or the next retry
    available_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    -- when the row was last published; a row queued longer than the lease is published again
    queued_at DATETIME(6) NULL,
    sent_at DATETIME(6) NULL,
    traceparent VARCHAR(55) NULL,
    createdAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updatedAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_outbox_idempotency_key (idempotency_key),
    -- serves the poller's claim: WHERE status=? AND available_at<=? ORDER BY available_at, id (no filesort)
    KEY idx_outbox_claim (status, available_at, id),
    -- serves the lease scan: WHERE status='queued' AND queued_at<?
    KEY idx_outbox_lease (status, queued_at),
    -- serves per-campaign progress counts and message listing
    KEY idx_outbox_campaign_status (campaign_id, status, id),
    CONSTRAINT fk_outbox_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
