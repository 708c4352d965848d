-- Idempotency-Key of POST /campaigns, per API key: the same key with the same body returns the campaign it
-- created; with another body it is a conflict.
CREATE TABLE IF NOT EXISTS api_idempotency_keys (
    api_key_name VARCHAR(100) NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    request_hash CHAR(64) NOT NULL,
    campaign_id BIGINT UNSIGNED NULL,
    createdAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (api_key_name, idempotency_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
