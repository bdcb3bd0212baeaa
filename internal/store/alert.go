package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Alert priorities, most urgent first.
const (
	PriorityCritical = "critical"
	PriorityHigh     = "high"
	PriorityMedium   = "medium"
	PriorityLow      = "low"
)

// Alert statuses.
const (
	AlertNew          = "new"
	AlertAcknowledged = "acknowledged"
	AlertResolved     = "resolved"
	AlertDismissed    = "dismissed"
)

// Alert is a prioritized finding that needs a person. Open alerts are unique
// per connection and fingerprint, so a lasting condition is one alert.
type Alert struct {
	ID               int64
	ConnectionID     int64
	AnalysisResultID int64 // 0 when not raised by an analysis
	Fingerprint      string
	Type             string
	Priority         string
	Title            string
	Description      string
	Data             json.RawMessage
	Status           string
	Occurrences      int
	AcknowledgedBy   int64
	AcknowledgedAt   time.Time
	ResolvedAt       time.Time
	LastSeenAt       time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// AlertRaiseParams describes an alert condition seen now.
type AlertRaiseParams struct {
	ConnectionID     int64
	AnalysisResultID int64
	Fingerprint      string
	Type             string
	Priority         string
	Title            string
	Description      string
	Data             json.RawMessage
}

const alertColumns = `id, connection_id, analysis_result_id, fingerprint, type, priority, title, description, data, status,
	occurrences, acknowledged_by, acknowledged_at, resolved_at, last_seen_at, created_at, updated_at`

func scanAlert(row interface{ Scan(...any) error }) (*Alert, error) {
	var (
		a                 Alert
		resultID, ackBy   *int64
		data              string
		ackedAt, resolved nullTimeScanner
	)
	if err := row.Scan(&a.ID, &a.ConnectionID, &resultID, &a.Fingerprint, &a.Type, &a.Priority, &a.Title, &a.Description,
		&data, &a.Status, &a.Occurrences, &ackBy, &ackedAt, &resolved, &a.LastSeenAt, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	if resultID != nil {
		a.AnalysisResultID = *resultID
	}
	if ackBy != nil {
		a.AcknowledgedBy = *ackBy
	}
	a.Data = json.RawMessage(data)
	a.AcknowledgedAt, a.ResolvedAt = ackedAt.Time, resolved.Time
	a.LastSeenAt, a.CreatedAt, a.UpdatedAt = a.LastSeenAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// AlertRaise opens an alert for the fingerprint, or, when one is already
// open, records another occurrence on it (raising its priority if the new
// one is more urgent). It reports whether a new alert was opened. It is the
// bare upsert: alert sources raise with AlertRaiseWithEvent, which adds the
// lifecycle (event, link, notification) a new alert needs.
func (s *Store) AlertRaise(ctx context.Context, p AlertRaiseParams) (*Alert, bool, error) {
	data, err := jsonOrEmpty(p.Data, "{}")
	if err != nil {
		return nil, false, fmt.Errorf("store: alert %q: data: %w", p.Fingerprint, err)
	}
	// One statement, so two instances raising the same condition at once
	// still leave one open alert.
	a, err := scanAlert(s.q.QueryRowContext(ctx, `
		INSERT INTO alerts (connection_id, analysis_result_id, fingerprint, type, priority,
			title, description, data, status, last_seen_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'new', $9, $9, $9)
		ON CONFLICT (connection_id, fingerprint) WHERE status IN ('new', 'acknowledged') DO UPDATE SET
			occurrences = alerts.occurrences + 1,
			last_seen_at = excluded.last_seen_at,
			priority = CASE WHEN `+priorityRankSQL("excluded.priority")+` < `+priorityRankSQL("alerts.priority")+`
				THEN excluded.priority ELSE alerts.priority END,
			title = excluded.title,
			description = excluded.description,
			data = excluded.data,
			analysis_result_id = COALESCE(excluded.analysis_result_id, alerts.analysis_result_id),
			updated_at = excluded.updated_at
		RETURNING `+alertColumns,
		p.ConnectionID, nullID(p.AnalysisResultID), p.Fingerprint, p.Type, p.Priority, p.Title, p.Description, data, s.nowUTC()))
	if err != nil {
		return nil, false, fmt.Errorf("store: raise alert %q: %w", p.Fingerprint, err)
	}
	return a, a.Occurrences == 1, nil
}

func priorityRankSQL(col string) string {
	return "(CASE " + col + " WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END)"
}

// AlertResolveByFingerprint resolves the open alert with that fingerprint,
// if any, and reports whether there was one. It appends no event: alert
// sources resolve with AlertAutoResolve.
func (s *Store) AlertResolveByFingerprint(ctx context.Context, connectionID int64, fingerprint string) (bool, error) {
	now := s.nowUTC()
	res, err := s.q.ExecContext(ctx, `UPDATE alerts SET status = 'resolved', resolved_at = $3, updated_at = $3
		WHERE connection_id = $1 AND fingerprint = $2 AND status IN ('new', 'acknowledged')`, connectionID, fingerprint, now)
	if err != nil {
		return false, fmt.Errorf("store: resolve alert %q: %w", fingerprint, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// AlertListParams filters AlertList.
type AlertListParams struct {
	ConnectionID int64  // 0 means every connection
	OpenOnly     bool   // only new and acknowledged alerts
	Type         string // empty means every type
	Limit        int    // defaults to 100
}

// AlertList lists alerts, most urgent and newest first.
func (s *Store) AlertList(ctx context.Context, p AlertListParams) ([]*Alert, error) {
	if p.Limit <= 0 {
		p.Limit = 100
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+alertColumns+` FROM alerts
		WHERE (connection_id = $1 OR $1 = 0)
		  AND (status IN ('new', 'acknowledged') OR $2 = FALSE)
		  AND (type = $3 OR $3 = '')
		ORDER BY `+priorityRankSQL("priority")+`,
			last_seen_at DESC, id DESC
		LIMIT $4`, p.ConnectionID, p.OpenOnly, p.Type, p.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: list alerts: %w", err)
	}
	defer rows.Close()
	var out []*Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list alerts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PriorityRank orders priorities: 0 is critical, larger is less urgent.
// Unknown priorities rank last.
func PriorityRank(p string) int {
	switch p {
	case PriorityCritical:
		return 0
	case PriorityHigh:
		return 1
	case PriorityMedium:
		return 2
	case PriorityLow:
		return 3
	}
	return 4
}
