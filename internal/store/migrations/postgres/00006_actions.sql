-- +goose Up
-- Autonomous actions (package actions): what an action is about, the
-- evidence behind it, the policy decision, the record it created in Odoo
-- with the values needed to undo it, and the policy per action type.
ALTER TABLE autonomous_actions ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE autonomous_actions ADD COLUMN insight_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE autonomous_actions ADD COLUMN group_key TEXT NOT NULL DEFAULT '';
ALTER TABLE autonomous_actions ADD COLUMN partner_id BIGINT;
ALTER TABLE autonomous_actions ADD COLUMN amount DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE autonomous_actions ADD COLUMN evidence JSONB NOT NULL DEFAULT '{}';
ALTER TABLE autonomous_actions ADD COLUMN policy_mode TEXT NOT NULL DEFAULT '';
ALTER TABLE autonomous_actions ADD COLUMN policy_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE autonomous_actions ADD COLUMN rejected_by BIGINT;
ALTER TABLE autonomous_actions ADD COLUMN rejected_at TIMESTAMPTZ;
ALTER TABLE autonomous_actions ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE autonomous_actions ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE autonomous_actions ADD COLUMN not_before TIMESTAMPTZ;
ALTER TABLE autonomous_actions ADD COLUMN marker TEXT NOT NULL DEFAULT '';
ALTER TABLE autonomous_actions ADD COLUMN record_model TEXT NOT NULL DEFAULT '';
ALTER TABLE autonomous_actions ADD COLUMN record_id BIGINT;
ALTER TABLE autonomous_actions ADD COLUMN record_write_date TEXT NOT NULL DEFAULT '';
ALTER TABLE autonomous_actions ADD COLUMN before_values JSONB NOT NULL DEFAULT '{}';
ALTER TABLE autonomous_actions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE autonomous_actions ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE autonomous_actions ADD COLUMN rolled_back_at TIMESTAMPTZ;
ALTER TABLE autonomous_actions ADD COLUMN rolled_back_by BIGINT;

CREATE INDEX autonomous_actions_status ON autonomous_actions (connection_id, status, action_type);
CREATE INDEX autonomous_actions_partner ON autonomous_actions (connection_id, partner_id, executed_at);

CREATE TABLE action_policies (
    connection_id          BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    action_type            TEXT NOT NULL,
    mode                   TEXT NOT NULL,
    max_amount             DOUBLE PRECISION NOT NULL DEFAULT 0,
    max_per_day            INTEGER NOT NULL DEFAULT 0,
    max_per_customer_week  INTEGER NOT NULL DEFAULT 0,
    quiet_start            TEXT NOT NULL DEFAULT '',
    quiet_end              TEXT NOT NULL DEFAULT '',
    timezone               TEXT NOT NULL DEFAULT 'UTC',
    updated_by             BIGINT,
    updated_at             TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connection_id, action_type)
);

-- +goose Down
DROP TABLE action_policies;
DROP INDEX autonomous_actions_partner;
DROP INDEX autonomous_actions_status;
ALTER TABLE autonomous_actions DROP COLUMN rolled_back_by;
ALTER TABLE autonomous_actions DROP COLUMN rolled_back_at;
ALTER TABLE autonomous_actions DROP COLUMN last_error;
ALTER TABLE autonomous_actions DROP COLUMN attempts;
ALTER TABLE autonomous_actions DROP COLUMN before_values;
ALTER TABLE autonomous_actions DROP COLUMN record_write_date;
ALTER TABLE autonomous_actions DROP COLUMN record_id;
ALTER TABLE autonomous_actions DROP COLUMN record_model;
ALTER TABLE autonomous_actions DROP COLUMN marker;
ALTER TABLE autonomous_actions DROP COLUMN not_before;
ALTER TABLE autonomous_actions DROP COLUMN expires_at;
ALTER TABLE autonomous_actions DROP COLUMN status_reason;
ALTER TABLE autonomous_actions DROP COLUMN rejected_at;
ALTER TABLE autonomous_actions DROP COLUMN rejected_by;
ALTER TABLE autonomous_actions DROP COLUMN policy_reason;
ALTER TABLE autonomous_actions DROP COLUMN policy_mode;
ALTER TABLE autonomous_actions DROP COLUMN evidence;
ALTER TABLE autonomous_actions DROP COLUMN amount;
ALTER TABLE autonomous_actions DROP COLUMN partner_id;
ALTER TABLE autonomous_actions DROP COLUMN group_key;
ALTER TABLE autonomous_actions DROP COLUMN insight_kind;
ALTER TABLE autonomous_actions DROP COLUMN subject;
