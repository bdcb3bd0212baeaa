package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MetricPoint is one figure of a company as of a day (a balance) or for the
// month starting on Day (a flow), computed from the synced Odoo records.
type MetricPoint struct {
	CompanyID int64
	Metric    string
	// Day is an ISO date, YYYY-MM-DD.
	Day   string
	Value float64
	Unit  string
}

// metricPointBatchRows keeps a statement at 1,200 parameters.
const metricPointBatchRows = 200

// MetricPointReplace replaces the connection's points dated on or after
// from (all of them when from is "") by points, in one transaction, so a
// reader sees the old history or the new one, never half of each.
func (s *Store) MetricPointReplace(ctx context.Context, connectionID int64, from string, points []MetricPoint) error {
	for _, p := range points {
		if p.Day < from {
			return fmt.Errorf("store: replace metric points: %s %s is before %s", p.Metric, p.Day, from)
		}
	}
	return s.inTxIfNeeded(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM metric_points WHERE connection_id = $1 AND day >= $2`, connectionID, from); err != nil {
			return fmt.Errorf("store: replace metric points: %w", err)
		}
		args := make([]any, 0, 5*metricPointBatchRows+1)
		for chunk := range slices.Chunk(points, metricPointBatchRows) {
			var b strings.Builder
			b.WriteString(`INSERT INTO metric_points (connection_id, company_id, metric, day, value, unit) VALUES `)
			args = append(args[:0], connectionID)
			for i, p := range chunk {
				if i > 0 {
					b.WriteByte(',')
				}
				n := 2 + i*5
				b.WriteString("($1")
				for k := range 5 {
					b.WriteString(", $")
					b.WriteString(strconv.Itoa(n + k))
				}
				b.WriteByte(')')
				args = append(args, p.CompanyID, p.Metric, p.Day, p.Value, p.Unit)
			}
			if _, err := tx.q.ExecContext(ctx, b.String(), args...); err != nil {
				return fmt.Errorf("store: replace metric points: %w", err)
			}
		}
		return nil
	})
}

// MetricPointListParams selects points.
type MetricPointListParams struct {
	ConnectionID int64
	// CompanyID, when not 0, keeps one company.
	CompanyID int64
	// Metrics, when not empty, keeps these metrics.
	Metrics []string
	// From and To, when set, bound Day (inclusive).
	From, To string
}

// MetricPointList returns points ordered by metric, company and day.
func (s *Store) MetricPointList(ctx context.Context, p MetricPointListParams) ([]MetricPoint, error) {
	q := `SELECT company_id, metric, day, value, unit FROM metric_points WHERE connection_id = $1`
	args := []any{p.ConnectionID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if p.CompanyID != 0 {
		q += ` AND company_id = ` + arg(p.CompanyID)
	}
	if len(p.Metrics) > 0 {
		ph := make([]string, len(p.Metrics))
		for i, m := range p.Metrics {
			ph[i] = arg(m)
		}
		q += ` AND metric IN (` + strings.Join(ph, ", ") + `)`
	}
	if p.From != "" {
		q += ` AND day >= ` + arg(p.From)
	}
	if p.To != "" {
		q += ` AND day <= ` + arg(p.To)
	}
	rows, err := s.q.QueryContext(ctx, q+` ORDER BY metric, company_id, day`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list metric points: %w", err)
	}
	defer rows.Close()
	var out []MetricPoint
	for rows.Next() {
		var m MetricPoint
		if err := rows.Scan(&m.CompanyID, &m.Metric, &m.Day, &m.Value, &m.Unit); err != nil {
			return nil, fmt.Errorf("store: list metric points: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list metric points: %w", err)
	}
	return out, nil
}

// MetricHistoryState is where a connection's history stands.
type MetricHistoryState struct {
	ConnectionID int64
	// RecordsUntil is the store time up to which the synced records were
	// read: records synced at or after it are the next run's changes.
	RecordsUntil time.Time
	// FirstDay and LastDay are the first and last days computed.
	FirstDay, LastDay string
	// FullAt is when every point was last recomputed.
	FullAt    time.Time
	UpdatedAt time.Time
}

// MetricHistoryStateGet returns the connection's history state, or
// ErrNotFound before its first computation.
func (s *Store) MetricHistoryStateGet(ctx context.Context, connectionID int64) (*MetricHistoryState, error) {
	st := &MetricHistoryState{ConnectionID: connectionID}
	var until, full, updated nullTimeScanner
	err := s.q.QueryRowContext(ctx, `SELECT records_until, first_day, last_day, full_at, updated_at FROM metric_history_state
		WHERE connection_id = $1`, connectionID).Scan(&until, &st.FirstDay, &st.LastDay, &full, &updated)
	if err != nil {
		return nil, notFound(err, "metric history state")
	}
	st.RecordsUntil, st.FullAt, st.UpdatedAt = until.Time, full.Time, updated.Time
	return st, nil
}

// MetricHistoryStatePut creates or replaces the connection's history
// state; UpdatedAt is set to the store's clock.
func (s *Store) MetricHistoryStatePut(ctx context.Context, st *MetricHistoryState) error {
	if st.RecordsUntil.IsZero() || st.FullAt.IsZero() {
		return errors.New("store: put metric history state: RecordsUntil and FullAt are required")
	}
	now := s.nowUTC()
	_, err := s.q.ExecContext(ctx, `INSERT INTO metric_history_state (connection_id, records_until, first_day, last_day, full_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (connection_id) DO UPDATE SET records_until = excluded.records_until, first_day = excluded.first_day,
			last_day = excluded.last_day, full_at = excluded.full_at, updated_at = excluded.updated_at`,
		st.ConnectionID, timestamp(st.RecordsUntil), st.FirstDay, st.LastDay, timestamp(st.FullAt), now)
	if err != nil {
		return fmt.Errorf("store: put metric history state: %w", err)
	}
	st.UpdatedAt = now
	return nil
}
