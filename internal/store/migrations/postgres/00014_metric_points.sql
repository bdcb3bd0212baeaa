-- +goose Up
-- The history of key figures computed as of past dates from the synced
-- Odoo records (package history): cash, receivables and payables with
-- aging, DSO as of each day or month end; revenue, margin, expenses and
-- pipeline per month. day is an ISO date (YYYY-MM-DD): the as-of day of a
-- balance, the first day of the month of a monthly flow.
CREATE TABLE metric_points (
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    company_id    BIGINT NOT NULL,
    metric        TEXT NOT NULL,
    day           TEXT NOT NULL,
    value         DOUBLE PRECISION NOT NULL,
    unit          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (connection_id, metric, company_id, day)
);
-- Where the history of a connection stands: the sync time up to which its
-- records were read (records synced later are the changes of the next
-- run), the first and last days computed, and when everything was last
-- recomputed (which catches records deleted in Odoo).
CREATE TABLE metric_history_state (
    connection_id BIGINT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    records_until TIMESTAMPTZ NOT NULL,
    first_day     TEXT NOT NULL,
    last_day      TEXT NOT NULL,
    full_at       TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE metric_history_state;
DROP TABLE metric_points;
