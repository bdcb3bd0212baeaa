-- +goose Up
-- What people save about the 13-week cash forecast (package cashplan):
-- named scenarios (a list of changes as JSON, and the minimum cash they
-- watch) and the recurring flows switched off, per connection.
CREATE TABLE forecast_scenarios (
    id INTEGER PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '[]',
    min_cash DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX forecast_scenarios_name_idx ON forecast_scenarios (connection_id, name);

CREATE TABLE forecast_flows_off (
    connection_id BIGINT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    flow_id TEXT NOT NULL,
    switched_by BIGINT NOT NULL DEFAULT 0,
    switched_at TIMESTAMP NOT NULL,
    PRIMARY KEY (connection_id, flow_id)
);

-- +goose Down
DROP TABLE forecast_flows_off;
DROP TABLE forecast_scenarios;
