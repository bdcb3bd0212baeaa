-- +goose Up
-- Conversations with aicoo (package chat): each thread belongs to one user;
-- its messages are the user's questions and aicoo's answers. An answer
-- keeps the tool calls it made (tools, a JSON array), the sources shown
-- under it (sources, a JSON array), and the numbers the grounding check
-- could not match to a tool result (ungrounded, a JSON array), with a note
-- in words when a limit, the budget or the check changed the answer.
CREATE TABLE ask_threads (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX ask_threads_user_idx ON ask_threads (user_id, updated_at);

CREATE TABLE ask_messages (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread_id   BIGINT NOT NULL REFERENCES ask_threads(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    content     TEXT NOT NULL,
    tools       TEXT NOT NULL DEFAULT '[]',
    sources     TEXT NOT NULL DEFAULT '[]',
    ungrounded  TEXT NOT NULL DEFAULT '[]',
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX ask_messages_thread_idx ON ask_messages (thread_id, id);

-- +goose Down
DROP TABLE ask_messages;
DROP TABLE ask_threads;
