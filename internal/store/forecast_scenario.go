package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrScenarioExists is returned when a connection already has a scenario
// of that name.
var ErrScenarioExists = errors.New("a scenario of that name already exists")

// ForecastScenario is a named what-if of the cash forecast: its changes
// (package forecast's Change list, kept as JSON so the store does not
// depend on the forecast's types) and the minimum cash it watches.
type ForecastScenario struct {
	ID           int64
	ConnectionID int64
	Name         string
	Changes      json.RawMessage
	MinCash      float64
	CreatedBy    int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ForecastScenarioParams describes a scenario to create or update.
type ForecastScenarioParams struct {
	ConnectionID int64
	Name         string
	Changes      json.RawMessage
	MinCash      float64
	CreatedBy    int64
}

const forecastScenarioColumns = `id, connection_id, name, changes, min_cash, created_by, created_at, updated_at`

func scanForecastScenario(row interface{ Scan(...any) error }) (*ForecastScenario, error) {
	var (
		sc      ForecastScenario
		changes string
	)
	if err := row.Scan(&sc.ID, &sc.ConnectionID, &sc.Name, &changes, &sc.MinCash, &sc.CreatedBy, &sc.CreatedAt, &sc.UpdatedAt); err != nil {
		return nil, err
	}
	sc.Changes = json.RawMessage(changes)
	sc.CreatedAt, sc.UpdatedAt = sc.CreatedAt.UTC(), sc.UpdatedAt.UTC()
	return &sc, nil
}

func (p ForecastScenarioParams) check() error {
	if strings.TrimSpace(p.Name) == "" {
		return fmt.Errorf("empty name")
	}
	if !json.Valid(p.Changes) {
		return fmt.Errorf("changes are not JSON")
	}
	return nil
}

// ForecastScenarioCreate stores a scenario; a name already used in the
// connection is an error wrapping ErrScenarioExists.
func (s *Store) ForecastScenarioCreate(ctx context.Context, p ForecastScenarioParams) (*ForecastScenario, error) {
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("store: create forecast scenario %q: %w", p.Name, err)
	}
	if _, err := s.ForecastScenarioByName(ctx, p.ConnectionID, p.Name); err == nil {
		return nil, fmt.Errorf("store: create forecast scenario %q: %w", p.Name, ErrScenarioExists)
	}
	now := s.nowUTC()
	sc, err := scanForecastScenario(s.q.QueryRowContext(ctx, `INSERT INTO forecast_scenarios
		(connection_id, name, changes, min_cash, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING `+forecastScenarioColumns,
		p.ConnectionID, p.Name, string(p.Changes), p.MinCash, p.CreatedBy, now))
	if err != nil {
		return nil, fmt.Errorf("store: create forecast scenario %q: %w", p.Name, err)
	}
	return sc, nil
}

// ForecastScenarioUpdate replaces a scenario's name, changes and minimum
// cash.
func (s *Store) ForecastScenarioUpdate(ctx context.Context, id int64, p ForecastScenarioParams) (*ForecastScenario, error) {
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("store: update forecast scenario %d: %w", id, err)
	}
	if other, err := s.ForecastScenarioByName(ctx, p.ConnectionID, p.Name); err == nil && other.ID != id {
		return nil, fmt.Errorf("store: rename forecast scenario %d to %q: %w", id, p.Name, ErrScenarioExists)
	}
	sc, err := scanForecastScenario(s.q.QueryRowContext(ctx, `UPDATE forecast_scenarios
		SET name = $3, changes = $4, min_cash = $5, updated_at = $6
		WHERE id = $1 AND connection_id = $2 RETURNING `+forecastScenarioColumns,
		id, p.ConnectionID, p.Name, string(p.Changes), p.MinCash, s.nowUTC()))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("forecast scenario %d", id))
	}
	return sc, nil
}

// ForecastScenarioByID returns a scenario of the connection.
func (s *Store) ForecastScenarioByID(ctx context.Context, connectionID, id int64) (*ForecastScenario, error) {
	sc, err := scanForecastScenario(s.q.QueryRowContext(ctx, `SELECT `+forecastScenarioColumns+` FROM forecast_scenarios
		WHERE id = $1 AND connection_id = $2`, id, connectionID))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("forecast scenario %d", id))
	}
	return sc, nil
}

// ForecastScenarioByName returns the connection's scenario of that name.
func (s *Store) ForecastScenarioByName(ctx context.Context, connectionID int64, name string) (*ForecastScenario, error) {
	sc, err := scanForecastScenario(s.q.QueryRowContext(ctx, `SELECT `+forecastScenarioColumns+` FROM forecast_scenarios
		WHERE connection_id = $1 AND name = $2`, connectionID, name))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("forecast scenario %q", name))
	}
	return sc, nil
}

// ForecastScenarioList lists the connection's scenarios by name.
func (s *Store) ForecastScenarioList(ctx context.Context, connectionID int64) ([]*ForecastScenario, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+forecastScenarioColumns+` FROM forecast_scenarios
		WHERE connection_id = $1 ORDER BY name, id`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: list forecast scenarios: %w", err)
	}
	defer rows.Close()
	var out []*ForecastScenario
	for rows.Next() {
		sc, err := scanForecastScenario(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list forecast scenarios: %w", err)
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// ForecastScenarioDelete deletes a scenario of the connection.
func (s *Store) ForecastScenarioDelete(ctx context.Context, connectionID, id int64) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM forecast_scenarios WHERE id = $1 AND connection_id = $2`, id, connectionID)
	if err != nil {
		return fmt.Errorf("store: delete forecast scenario %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete forecast scenario %d: %w", id, ErrNotFound)
	}
	return nil
}

// ForecastFlowSwitch switches a recurring flow of the connection's forecast
// off (off true) or back on. Switching twice is harmless.
func (s *Store) ForecastFlowSwitch(ctx context.Context, connectionID int64, flowID string, off bool, by int64) error {
	var err error
	if off {
		_, err = s.q.ExecContext(ctx, `INSERT INTO forecast_flows_off (connection_id, flow_id, switched_by, switched_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (connection_id, flow_id) DO NOTHING`, connectionID, flowID, by, s.nowUTC())
	} else {
		_, err = s.q.ExecContext(ctx, `DELETE FROM forecast_flows_off WHERE connection_id = $1 AND flow_id = $2`, connectionID, flowID)
	}
	if err != nil {
		return fmt.Errorf("store: switch forecast flow %q: %w", flowID, err)
	}
	return nil
}

// ForecastFlowsOff lists the recurring flows switched off, sorted.
func (s *Store) ForecastFlowsOff(ctx context.Context, connectionID int64) ([]string, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT flow_id FROM forecast_flows_off WHERE connection_id = $1 ORDER BY flow_id`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: list switched-off forecast flows: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
