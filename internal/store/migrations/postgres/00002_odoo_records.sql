-- +goose Up
-- Odoo records copied by package odoosync: one row per record of a synced
-- model, holding the synced fields as JSON. The primary key also serves reads
-- of one model of one connection in id order.
CREATE TABLE odoo_records (
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    model         TEXT NOT NULL,
    odoo_id       BIGINT NOT NULL,
    write_date    TIMESTAMPTZ,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    data          JSONB NOT NULL DEFAULT '{}',
    synced_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connection_id, model, odoo_id)
);

-- Where the sync of each model stands: its write_date cursor, the ids
-- already fetched at the cursor's second, the last id sweep, and the
-- counters of a sync in progress.
CREATE TABLE odoo_sync_state (
    connection_id      BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    model              TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT '',
    fields             JSONB NOT NULL DEFAULT '[]',
    cursor_write_date  TIMESTAMPTZ,
    cursor_ids         JSONB NOT NULL DEFAULT '[]',
    last_full_sweep_at TIMESTAMPTZ,
    last_synced_at     TIMESTAMPTZ,
    last_success_at    TIMESTAMPTZ,
    record_count       BIGINT NOT NULL DEFAULT 0,
    last_error         TEXT NOT NULL DEFAULT '',
    progress_done      BIGINT NOT NULL DEFAULT 0,
    progress_total     BIGINT NOT NULL DEFAULT 0,
    started_at         TIMESTAMPTZ,
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connection_id, model)
);

-- +goose Down
DROP TABLE odoo_sync_state;
DROP TABLE odoo_records;
