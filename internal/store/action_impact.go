package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Impact outcomes of an executed action (Action.ImpactStatus). An action
// has no outcome ("") until its first check; pending becomes improved,
// not_improved or unknown once, and stays so. A rolled-back action is
// excluded whatever it was before.
const (
	ImpactPending     = "pending"      // its window is still open
	ImpactImproved    = "improved"     // the situation it addressed improved in time
	ImpactNotImproved = "not_improved" // the window passed without improvement
	ImpactUnknown     = "unknown"      // cannot be told: record gone, not synced, no measure
	ImpactExcluded    = "excluded"     // rolled back: not counted
)

// ActionImpactDue returns, oldest first, the connection's executed actions
// whose impact is not decided yet (no outcome or pending) and its
// rolled-back actions not yet marked excluded: what an impact check has to
// look at. Actions already decided cost nothing. limit caps the result; 0
// means 10000.
func (s *Store) ActionImpactDue(ctx context.Context, connectionID int64, limit int) ([]*Action, error) {
	if limit <= 0 {
		limit = 10000
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+actionColumns+` FROM autonomous_actions
		WHERE connection_id = $1 AND (
			(status = 'executed' AND impact_status IN ('', 'pending'))
			OR (status = 'rolled_back' AND impact_status <> 'excluded'))
		ORDER BY id LIMIT $2`, connectionID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: actions due for an impact check: %w", err)
	}
	defer rows.Close()
	var out []*Action
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, fmt.Errorf("store: actions due for an impact check: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: actions due for an impact check: %w", err)
	}
	return out, nil
}

// ActionImpactParams is the outcome of one impact check.
type ActionImpactParams struct {
	ConnectionID int64
	ID           int64
	// Status is one of the Impact* constants. Excluded applies only to a
	// rolled-back action; the others only to an executed one.
	Status    string
	Note      string
	CheckedAt time.Time
}

// ActionImpactSet records an impact check. It changes only an action whose
// outcome is still open (an executed action with no outcome or pending,
// or a rolled-back one not yet excluded), so a decided outcome is final
// and a check racing a rollback cannot mark a rolled-back action improved.
// updated reports whether the action was changed.
func (s *Store) ActionImpactSet(ctx context.Context, p ActionImpactParams) (updated bool, err error) {
	switch p.Status {
	case ImpactPending, ImpactImproved, ImpactNotImproved, ImpactUnknown, ImpactExcluded:
	default:
		return false, fmt.Errorf("store: action %d impact: unknown status %q", p.ID, p.Status)
	}
	if p.CheckedAt.IsZero() {
		return false, errors.New("store: action impact: CheckedAt is required")
	}
	res, err := s.q.ExecContext(ctx, `UPDATE autonomous_actions SET impact_status = $3, impact_note = $4, impact_checked_at = $5
		WHERE connection_id = $1 AND id = $2 AND (
			($3 <> 'excluded' AND status = 'executed' AND impact_status IN ('', 'pending'))
			OR ($3 = 'excluded' AND status = 'rolled_back' AND impact_status <> 'excluded'))`,
		p.ConnectionID, p.ID, p.Status, p.Note, timestamp(p.CheckedAt))
	if err != nil {
		return false, fmt.Errorf("store: action %d impact: %w", p.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: action %d impact: %w", p.ID, err)
	}
	return n == 1, nil
}

// ActionImpactCount is how many actions of a type, in one status, have one
// impact outcome.
type ActionImpactCount struct {
	ActionType string
	// Status is executed or rolled_back.
	Status string
	// ImpactStatus is one of the Impact* constants, or empty before the
	// first check.
	ImpactStatus string
	N            int
}

// ActionImpactCounts counts the connection's actions executed at or after
// since (rolled back since or not), by type, status and impact outcome.
func (s *Store) ActionImpactCounts(ctx context.Context, connectionID int64, since time.Time) ([]ActionImpactCount, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT action_type, status, impact_status, COUNT(*) FROM autonomous_actions
		WHERE connection_id = $1 AND status IN ('executed', 'rolled_back') AND executed_at >= $2
		GROUP BY action_type, status, impact_status ORDER BY action_type, status, impact_status`,
		connectionID, timestamp(since))
	if err != nil {
		return nil, fmt.Errorf("store: count action impact: %w", err)
	}
	defer rows.Close()
	var out []ActionImpactCount
	for rows.Next() {
		var c ActionImpactCount
		if err := rows.Scan(&c.ActionType, &c.Status, &c.ImpactStatus, &c.N); err != nil {
			return nil, fmt.Errorf("store: count action impact: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count action impact: %w", err)
	}
	return out, nil
}

// OdooRecordsWrittenSince returns the stored records of a model last
// written in Odoo at or after since (and those without a write date), in
// id order: what changed after an action ran, without decoding the rest
// of the model.
func (s *Store) OdooRecordsWrittenSince(ctx context.Context, connectionID int64, model string, since time.Time) ([]*OdooRecord, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+odooRecordColumns+` FROM odoo_records
		WHERE connection_id = $1 AND model = $2 AND (write_date IS NULL OR write_date >= $3)
		ORDER BY odoo_id`, connectionID, model, timestamp(since))
	if err != nil {
		return nil, fmt.Errorf("store: odoo records %s written since %s: %w", model, since.Format(time.RFC3339), err)
	}
	defer rows.Close()
	var out []*OdooRecord
	for rows.Next() {
		r, err := scanOdooRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("store: odoo records %s written since: %w", model, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: odoo records %s written since: %w", model, err)
	}
	rows.Close()
	if err := s.decodeRecords(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}
