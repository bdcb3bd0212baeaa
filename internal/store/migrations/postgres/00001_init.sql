-- +goose Up
-- One Odoo connection is one tenant: every other row belongs to one.
CREATE TABLE connections (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    odoo_url      TEXT NOT NULL DEFAULT '',
    odoo_database TEXT NOT NULL DEFAULT '',
    odoo_username TEXT NOT NULL DEFAULT '',
    odoo_protocol TEXT NOT NULL DEFAULT 'auto',
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    username      TEXT NOT NULL,
    email         TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    timezone      TEXT NOT NULL DEFAULT 'UTC',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (connection_id, username)
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE monitoring_jobs (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id        BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    schedule             TEXT NOT NULL,
    analyzer_type        TEXT NOT NULL,
    config               JSONB NOT NULL DEFAULT '{}',
    enabled              BOOLEAN NOT NULL DEFAULT TRUE,
    last_run_at          TIMESTAMPTZ,
    last_status          TEXT NOT NULL DEFAULT '',
    next_run_at          TIMESTAMPTZ,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (connection_id, name)
);

-- One row per attempt of a scheduled run.
CREATE TABLE job_runs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    job_id        BIGINT NOT NULL REFERENCES monitoring_jobs(id) ON DELETE CASCADE,
    river_job_id  BIGINT NOT NULL,
    attempt       INTEGER NOT NULL,
    scheduled_at  TIMESTAMPTZ NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        TEXT NOT NULL,
    error         TEXT NOT NULL DEFAULT '',
    duration_ms   BIGINT NOT NULL DEFAULT 0,
    worker        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job_idx ON job_runs (job_id, scheduled_at DESC);
CREATE INDEX job_runs_river_idx ON job_runs (river_job_id);

-- At most one result per job and scheduled time, however often the run is retried.
CREATE TABLE analysis_results (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id    BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    job_id           BIGINT NOT NULL REFERENCES monitoring_jobs(id) ON DELETE CASCADE,
    scheduled_at     TIMESTAMPTZ NOT NULL,
    run_at           TIMESTAMPTZ NOT NULL,
    status           TEXT NOT NULL,
    insights         JSONB NOT NULL DEFAULT '[]',
    metrics          JSONB NOT NULL DEFAULT '{}',
    alerts_generated INTEGER NOT NULL DEFAULT 0,
    duration_ms      BIGINT NOT NULL DEFAULT 0,
    cost             DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (job_id, scheduled_at)
);

CREATE TABLE alerts (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id      BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    analysis_result_id BIGINT REFERENCES analysis_results(id) ON DELETE SET NULL,
    fingerprint        TEXT NOT NULL,
    type               TEXT NOT NULL,
    priority           TEXT NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    data               JSONB NOT NULL DEFAULT '{}',
    status             TEXT NOT NULL DEFAULT 'new',
    occurrences        INTEGER NOT NULL DEFAULT 1,
    acknowledged_by    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    acknowledged_at    TIMESTAMPTZ,
    resolved_at        TIMESTAMPTZ,
    last_seen_at       TIMESTAMPTZ NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
-- A lasting condition is one open alert, not one per run.
CREATE UNIQUE INDEX alerts_open_fingerprint_idx ON alerts (connection_id, fingerprint)
    WHERE status IN ('new', 'acknowledged');
CREATE INDEX alerts_status_idx ON alerts (connection_id, status, created_at DESC);

CREATE TABLE alert_rules (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id         BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    user_id               BIGINT REFERENCES users(id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    rule_type             TEXT NOT NULL,
    condition             JSONB NOT NULL DEFAULT '{}',
    enabled               BOOLEAN NOT NULL DEFAULT TRUE,
    notification_channels JSONB NOT NULL DEFAULT '[]',
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    UNIQUE (connection_id, name)
);

CREATE TABLE daily_briefings (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id         BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    user_id               BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date                  DATE NOT NULL,
    role                  TEXT NOT NULL,
    content               TEXT NOT NULL,
    facts                 JSONB NOT NULL DEFAULT '{}',
    insights_count        INTEGER NOT NULL DEFAULT 0,
    alerts_count          INTEGER NOT NULL DEFAULT 0,
    recommendations_count INTEGER NOT NULL DEFAULT 0,
    delivered_at          TIMESTAMPTZ,
    delivery_method       TEXT NOT NULL DEFAULT '',
    read_at               TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, date)
);

CREATE TABLE autonomous_actions (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id      BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    idempotency_key    TEXT NOT NULL,
    action_type        TEXT NOT NULL,
    target_system      TEXT NOT NULL DEFAULT 'odoo',
    target_model       TEXT NOT NULL DEFAULT '',
    target_id          BIGINT,
    description        TEXT NOT NULL,
    parameters         JSONB NOT NULL DEFAULT '{}',
    decision_reasoning TEXT NOT NULL DEFAULT '',
    requires_approval  BOOLEAN NOT NULL DEFAULT TRUE,
    approved_by        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    approved_at        TIMESTAMPTZ,
    executed_at        TIMESTAMPTZ,
    status             TEXT NOT NULL DEFAULT 'pending',
    result             JSONB NOT NULL DEFAULT '{}',
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    UNIQUE (connection_id, idempotency_key)
);

CREATE TABLE ai_usage (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id      BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    feature            TEXT NOT NULL,
    provider           TEXT NOT NULL DEFAULT '',
    model              TEXT NOT NULL DEFAULT '',
    input_tokens       BIGINT NOT NULL DEFAULT 0,
    output_tokens      BIGINT NOT NULL DEFAULT 0,
    cache_read_tokens  BIGINT NOT NULL DEFAULT 0,
    cache_write_tokens BIGINT NOT NULL DEFAULT 0,
    cost               DOUBLE PRECISION NOT NULL DEFAULT 0,
    duration_ms        BIGINT NOT NULL DEFAULT 0,
    success            BOOLEAN NOT NULL,
    error              TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX ai_usage_conn_idx ON ai_usage (connection_id, created_at);

-- Append-only and hash-chained: each entry holds the hash of the one before.
CREATE TABLE audit_log (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id),
    seq           BIGINT NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL DEFAULT '',
    -- TEXT, not JSONB: the hash covers the exact bytes, which JSONB would reformat.
    details       TEXT NOT NULL DEFAULT '{}',
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL,
    UNIQUE (connection_id, seq)
);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE ai_usage;
DROP TABLE autonomous_actions;
DROP TABLE daily_briefings;
DROP TABLE alert_rules;
DROP TABLE alerts;
DROP TABLE analysis_results;
DROP TABLE job_runs;
DROP TABLE monitoring_jobs;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE connections;
