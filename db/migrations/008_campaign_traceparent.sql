-- The W3C traceparent of the API request that last prepared or scheduled the campaign: preparation continues
-- that trace, so one trace links the request to every message's publish, consume and provider call.
ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS traceparent VARCHAR(55) NULL AFTER status_reason;
