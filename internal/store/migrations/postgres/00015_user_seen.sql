-- +goose Up
-- When each user last looked at the overview, for its "since you last
-- looked" section: previous_seen_at is the visit the section compares
-- against, last_seen_at the latest visit. A visit long enough after the
-- latest one moves last_seen_at into previous_seen_at, so reloading the page
-- keeps the same comparison.
CREATE TABLE user_seen (
    user_id          BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    previous_seen_at TIMESTAMP,
    last_seen_at     TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE user_seen;
