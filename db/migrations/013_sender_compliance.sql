-- Sender compliance (docs/compliance.md). A transactional campaign (receipts, password resets) carries no
-- unsubscribe headers and may opt out of SMS quiet hours; every other campaign is marketing and gets both.
ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS transactional TINYINT(1) NOT NULL DEFAULT 0 AFTER send_window;
-- SMS quiet hours as {"start": "HH:MM", "end": "HH:MM"} in each recipient's time zone; NULL = none (only
-- transactional campaigns may have none; the API stores the 08:00-21:00 default for the others).
ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS quiet_hours JSON NULL AFTER transactional;
-- Where a suppression came from (api, one-click, ...) and, for an unsubscribe link, the campaign it was in.
ALTER TABLE suppressions ADD COLUMN IF NOT EXISTS source VARCHAR(64) NULL AFTER reason;
ALTER TABLE suppressions ADD COLUMN IF NOT EXISTS campaign_id BIGINT NULL AFTER source;
