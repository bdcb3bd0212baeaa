-- +goose Up
-- The notification outbox: one row per (message key, channel, recipient),
-- written in the transaction that decides to notify and delivered by a River
-- job inserted in that same transaction. In-app rows double as the user's
-- persisted notifications (read_at).
CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    message_key   TEXT NOT NULL,
    channel       TEXT NOT NULL,
    recipient     TEXT NOT NULL,
    user_id       BIGINT REFERENCES users(id) ON DELETE CASCADE,
    alert_id      BIGINT REFERENCES alerts(id) ON DELETE SET NULL,
    priority      TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL DEFAULT '',
    link          TEXT NOT NULL DEFAULT '',
    data          TEXT NOT NULL DEFAULT '{}',
    status        TEXT NOT NULL DEFAULT 'pending',
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    round         INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    claimed_at    TIMESTAMP,
    sent_at       TIMESTAMP,
    dead_at       TIMESTAMP,
    read_at       TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (connection_id, message_key, channel, recipient)
);
CREATE INDEX notifications_status_idx ON notifications (connection_id, status, updated_at DESC);
CREATE INDEX notifications_user_idx ON notifications (user_id, channel, id DESC);

-- +goose Down
DROP TABLE notifications;
