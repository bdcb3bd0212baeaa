-- +goose Up
-- Odoo records copied by package odoosync: one row per record of a synced
-- model, holding the synced fields as JSON. The primary key also serves reads
-- of one model of one connection in id order.
CREATE TABLE odoo_records (
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    model         TEXT NOT NULL,
    odoo_id       BIGINT NOT NULL,
    write_date    TIMESTAMP,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    data          TEXT NOT NULL DEFAULT '{}',
    synced_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (connection_id, model, odoo_id)
);

-- Where the sync of each model stands: its write_date cursor, the ids
-- already fetched at the cursor's second, the last id sweep, and the
-- counters of a sync in progress.
CREATE TABLE odoo_sync_state (
    connection_id      BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    model              TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT '',
    fields             TEXT NOT NULL DEFAULT '[]',
    cursor_write_date  TIMESTAMP,
    cursor_ids         TEXT NOT NULL DEFAULT '[]',
    last_full_sweep_at TIMESTAMP,
    last_synced_at     TIMESTAMP,
    last_success_at    TIMESTAMP,
    record_count       BIGINT NOT NULL DEFAULT 0,
    last_error         TEXT NOT NULL DEFAULT '',
    progress_done      BIGINT NOT NULL DEFAULT 0,
    progress_total     BIGINT NOT NULL DEFAULT 0,
    started_at         TIMESTAMP,
    updated_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (connection_id, model)
);

-- +goose Down
DROP TABLE odoo_sync_state;
DROP TABLE odoo_records;
