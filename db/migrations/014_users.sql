-- Dashboard users (docs/users.md): one row per person who logs in with POST /session. Only the Argon2id hash of
-- each password is stored (PHC string). A disabled user stays for the audit trail, which names users by email.
-- Login lockout lives in Redis, not here.
CREATE TABLE IF NOT EXISTS users (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    email VARCHAR(254) NOT NULL,
    role ENUM('admin','editor','viewer') NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    disabled TINYINT(1) NOT NULL DEFAULT 0,
    createdAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updatedAt DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Actors are now "api_key:<name>" or "user:<email>", longer than an API key's name alone.
ALTER TABLE campaign_events MODIFY actor VARCHAR(300) NOT NULL;
ALTER TABLE api_idempotency_keys MODIFY api_key_name VARCHAR(300) NOT NULL;
