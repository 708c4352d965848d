-- Which consumer claim holds the row: set with status 'sending', cleared when that claim stores its outcome or
-- gives the row back. Outcome writes and releases change the row only while their token is still there, so a
-- consumer whose write was delayed past the lease (a database outage) cannot overwrite the claim of the consumer
-- that took the row over. A token left on an open row (its holder died or its write never came) marks the row
-- "an earlier send may have been accepted": the next consumer sends it only after checking the sent marker, even
-- after the poller has republished it as 'queued'.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS claim_token BIGINT UNSIGNED NULL AFTER sending_at;
