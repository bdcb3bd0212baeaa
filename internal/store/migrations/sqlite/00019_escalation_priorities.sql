-- +goose Up
-- An escalation policy attached to an alert priority: an alert of that
-- priority whose rule names no policy of its own climbs this one (package
-- alerts). One policy per priority and connection.
CREATE TABLE escalation_priorities (
    connection_id BIGINT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    priority TEXT NOT NULL,
    policy_id BIGINT NOT NULL REFERENCES escalation_policies (id) ON DELETE CASCADE,
    PRIMARY KEY (connection_id, priority)
);
CREATE INDEX escalation_priorities_policy_idx ON escalation_priorities (policy_id);

-- +goose Down
DROP TABLE escalation_priorities;
