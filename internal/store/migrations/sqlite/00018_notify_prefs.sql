-- +goose Up
-- Each person's notification preferences (package alerts routes by them
-- together with the rule's channels): a JSON object of channels, minimum
-- priority per channel, quiet hours, digest and areas.
CREATE TABLE user_notify_prefs (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    connection_id BIGINT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    prefs TEXT NOT NULL DEFAULT '{}',
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX user_notify_prefs_connection_idx ON user_notify_prefs (connection_id);

-- +goose Down
DROP TABLE user_notify_prefs;
