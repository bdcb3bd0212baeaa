-- +goose Up
-- The impact of executed actions (package actions): whether the situation
-- an action addressed improved (the invoice was paid, the deal moved, the
-- stock-out was avoided) within its window. impact_status is empty until
-- the first check, then pending, improved, not_improved, unknown, or
-- excluded for an action rolled back.
ALTER TABLE autonomous_actions ADD COLUMN impact_status TEXT NOT NULL DEFAULT '';
ALTER TABLE autonomous_actions ADD COLUMN impact_checked_at TIMESTAMPTZ;
ALTER TABLE autonomous_actions ADD COLUMN impact_note TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE autonomous_actions DROP COLUMN impact_note;
ALTER TABLE autonomous_actions DROP COLUMN impact_checked_at;
ALTER TABLE autonomous_actions DROP COLUMN impact_status;
