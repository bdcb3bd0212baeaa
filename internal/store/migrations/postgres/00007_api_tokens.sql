-- +goose Up
-- API tokens for the JSON API (Authorization: Bearer). Only the SHA-256 of a
-- token is stored; prefix (its first characters) lets a person recognise it.
CREATE TABLE api_tokens (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    prefix        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
-- A name is unique among a user's live tokens.
CREATE UNIQUE INDEX api_tokens_user_name_idx ON api_tokens (user_id, name) WHERE revoked_at IS NULL;

-- Failed sign-ins, counted per key (a username or a client address) over a
-- window to slow down password guessing across every instance.
CREATE TABLE login_attempts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login_key  TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_attempts_key_idx ON login_attempts (login_key, at);

-- +goose Down
DROP TABLE login_attempts;
DROP TABLE api_tokens;
