-- +goose Up
-- Alert rules, lifecycle, noise control and escalation (package alerts).

-- Escalation policies: levels of people and channels, each waiting a
-- timeout for an acknowledgement before the next level is notified; the
-- whole ladder repeats up to repeat_count times.
CREATE TABLE escalation_policies (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    levels        JSONB NOT NULL DEFAULT '[]',
    repeat_count  INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (connection_id, name)
);

-- A rule: an insight kind filtered by an expression over the insight's
-- facts, or an expression over metrics (rule_type insight, metric or alert).
ALTER TABLE alert_rules ADD COLUMN builtin TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_rules ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_rules ADD COLUMN insight_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_rules ADD COLUMN expression TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_rules ADD COLUMN threshold DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE alert_rules ADD COLUMN priority TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_rules ADD COLUMN pending_evaluations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alert_rules ADD COLUMN pending_for_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alert_rules ADD COLUMN labels JSONB NOT NULL DEFAULT '{}';
ALTER TABLE alert_rules ADD COLUMN escalation_policy_id BIGINT REFERENCES escalation_policies(id) ON DELETE SET NULL;
ALTER TABLE alert_rules ADD COLUMN group_wait_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alert_rules ADD COLUMN group_interval_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alert_rules ADD COLUMN repeat_interval_ms BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX alert_rules_builtin_idx ON alert_rules (connection_id, builtin) WHERE builtin <> '';

-- Where a rule's condition stands per subject while it is pending.
CREATE TABLE alert_rule_states (
    rule_id       BIGINT NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    subject       TEXT NOT NULL,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    since         TIMESTAMPTZ NOT NULL,
    evaluations   INTEGER NOT NULL,
    last_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (rule_id, subject)
);

ALTER TABLE alerts ADD COLUMN rule_id BIGINT REFERENCES alert_rules(id) ON DELETE SET NULL;
ALTER TABLE alerts ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN labels JSONB NOT NULL DEFAULT '{}';
ALTER TABLE alerts ADD COLUMN previous_alert_id BIGINT REFERENCES alerts(id) ON DELETE SET NULL;
ALTER TABLE alerts ADD COLUMN ack_expires_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN resolved_by BIGINT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE alerts ADD COLUMN resolution_note TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN snoozed_until TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN notify_pending BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE alerts ADD COLUMN notified_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN escalation_policy_id BIGINT REFERENCES escalation_policies(id) ON DELETE SET NULL;
ALTER TABLE alerts ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN escalation_round INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN escalation_next_at TIMESTAMPTZ;
CREATE INDEX alerts_subject_idx ON alerts (connection_id, subject);
CREATE INDEX alerts_rule_idx ON alerts (rule_id, status);

-- Who did what to an alert, when and why.
CREATE TABLE alert_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    alert_id      BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    at            TIMESTAMPTZ NOT NULL,
    user_id       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    data          JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_events_alert_idx ON alert_events (alert_id, id);

-- Time-boxed silences: alerts whose labels match every matcher are not
-- notified between starts_at and ends_at.
CREATE TABLE silences (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    matchers      JSONB NOT NULL DEFAULT '[]',
    starts_at     TIMESTAMPTZ NOT NULL,
    ends_at       TIMESTAMPTZ NOT NULL,
    created_by    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    comment       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX silences_active_idx ON silences (connection_id, ends_at);

-- Notification groups: the alerts of one rule sent together (group wait,
-- group interval, repeat interval).
CREATE TABLE alert_groups (
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    group_key      TEXT NOT NULL,
    next_flush_at  TIMESTAMPTZ,
    last_flush_at  TIMESTAMPTZ,
    next_repeat_at TIMESTAMPTZ,
    flushes        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (connection_id, group_key)
);

-- Notifications counted per user and day, for the daily cap, and the
-- alerts held back for that day's digest.
CREATE TABLE alert_notify_counts (
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    sent          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
);
CREATE TABLE alert_digest_items (
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    alert_id      BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    channel       TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, day, alert_id, channel)
);

-- +goose Down
DROP TABLE alert_digest_items;
DROP TABLE alert_notify_counts;
DROP TABLE alert_groups;
DROP TABLE silences;
DROP TABLE alert_events;
DROP INDEX alerts_rule_idx;
DROP INDEX alerts_subject_idx;
ALTER TABLE alerts DROP COLUMN escalation_next_at;
ALTER TABLE alerts DROP COLUMN escalation_round;
ALTER TABLE alerts DROP COLUMN escalation_level;
ALTER TABLE alerts DROP COLUMN escalation_policy_id;
ALTER TABLE alerts DROP COLUMN notified_at;
ALTER TABLE alerts DROP COLUMN notify_pending;
ALTER TABLE alerts DROP COLUMN snoozed_until;
ALTER TABLE alerts DROP COLUMN resolution_note;
ALTER TABLE alerts DROP COLUMN resolved_by;
ALTER TABLE alerts DROP COLUMN ack_expires_at;
ALTER TABLE alerts DROP COLUMN previous_alert_id;
ALTER TABLE alerts DROP COLUMN labels;
ALTER TABLE alerts DROP COLUMN subject;
ALTER TABLE alerts DROP COLUMN rule_id;
DROP TABLE alert_rule_states;
DROP INDEX alert_rules_builtin_idx;
ALTER TABLE alert_rules DROP COLUMN repeat_interval_ms;
ALTER TABLE alert_rules DROP COLUMN group_interval_ms;
ALTER TABLE alert_rules DROP COLUMN group_wait_ms;
ALTER TABLE alert_rules DROP COLUMN escalation_policy_id;
ALTER TABLE alert_rules DROP COLUMN labels;
ALTER TABLE alert_rules DROP COLUMN pending_for_ms;
ALTER TABLE alert_rules DROP COLUMN pending_evaluations;
ALTER TABLE alert_rules DROP COLUMN priority;
ALTER TABLE alert_rules DROP COLUMN threshold;
ALTER TABLE alert_rules DROP COLUMN expression;
ALTER TABLE alert_rules DROP COLUMN insight_kind;
ALTER TABLE alert_rules DROP COLUMN description;
ALTER TABLE alert_rules DROP COLUMN builtin;
DROP TABLE escalation_policies;
