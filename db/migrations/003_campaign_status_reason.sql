-- Why a campaign is in its status when that needs a person's attention, e.g. a schedule missed by more than
-- SCHEDULE_MAX_LATENESS (the campaign then waits for an explicit prepare).
ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS status_reason VARCHAR(255) NULL AFTER status;
