-- Recipients that must not be contacted on a channel (unsubscribed, bounced, complained). Preparation writes
-- their outbox rows as `suppressed` instead of `pending`, so they are counted but never sent.
CREATE TABLE IF NOT EXISTS suppressions (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    channel ENUM('email', 'sms', 'push') NOT NULL,
    address VARCHAR(255) NOT NULL,
    reason VARCHAR(255) NOT NULL DEFAULT '',
    createdAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_suppressions_address (channel, address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
