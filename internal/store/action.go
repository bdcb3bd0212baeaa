package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Action statuses. An action moves pending -> approved -> executing ->
// executed -> rolled_back, or ends rejected, blocked, expired, failed or
// cancelled.
const (
	ActionPending    = "pending"     // waits for a person's approval
	ActionApproved   = "approved"    // approved (by a person or the policy), not yet run
	ActionExecuting  = "executing"   // an attempt is running or was cut off
	ActionExecuted   = "executed"    // done in Odoo
	ActionRolledBack = "rolled_back" // undone in Odoo
	ActionRejected   = "rejected"    // a person said no
	ActionBlocked    = "blocked"     // the policy forbids it
	ActionExpired    = "expired"     // its facts went stale before it ran
	ActionFailed     = "failed"      // Odoo refused it
	ActionCancelled  = "cancelled"   // withdrawn, for example after the policy was narrowed
)

// ErrActionStatus is returned by ActionTransition when the action is not in
// one of the expected statuses (someone else moved it first).
var ErrActionStatus = errors.New("action is not in the expected status")

// Action is a proposed or executed change in Odoo (autonomous_actions).
type Action struct {
	ID             int64
	ConnectionID   int64
	IdempotencyKey string
	ActionType     string
	// Subject names what the action is about ("account.move:42").
	Subject     string
	InsightKind string
	// GroupKey groups similar actions for bulk approval.
	GroupKey string
	// TargetModel and TargetID name the Odoo document acted on.
	TargetModel string
	TargetID    int64
	PartnerID   int64
	Amount      float64
	Description string
	// Parameters are the type's inputs (what will be written).
	Parameters json.RawMessage
	// Reasoning explains, in words, why the action was proposed.
	Reasoning string
	// Evidence holds the figures and records behind the proposal.
	Evidence json.RawMessage
	// PolicyMode is the decision at proposal time: auto, approve or never.
	PolicyMode   string
	PolicyReason string
	Status       string
	StatusReason string
	ApprovedBy   int64
	ApprovedAt   time.Time
	RejectedBy   int64
	RejectedAt   time.Time
	ExpiresAt    time.Time
	// NotBefore delays execution (quiet hours).
	NotBefore  time.Time
	ExecutedAt time.Time
	// Marker is written into the Odoo record so a retry finds it.
	Marker string
	// RecordModel and RecordID name the Odoo record the action created or
	// changed; RecordWriteDate is its write_date right after execution.
	RecordModel     string
	RecordID        int64
	RecordWriteDate string
	BeforeValues    json.RawMessage
	Result          json.RawMessage
	Attempts        int
	LastError       string
	RolledBackAt    time.Time
	RolledBackBy    int64
	// ImpactStatus says whether the situation the executed action
	// addressed improved (Impact* constants); empty before the first
	// check. ImpactNote says why, ImpactCheckedAt when it was last checked.
	ImpactStatus    string
	ImpactCheckedAt time.Time
	ImpactNote      string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// ActionCreateParams describes a proposed action.
type ActionCreateParams struct {
	ConnectionID   int64
	IdempotencyKey string
	ActionType     string
	Subject        string
	InsightKind    string
	GroupKey       string
	TargetModel    string
	TargetID       int64
	PartnerID      int64
	Amount         float64
	Description    string
	Parameters     json.RawMessage
	Reasoning      string
	Evidence       json.RawMessage
	PolicyMode     string
	PolicyReason   string
	// Status is the initial status: pending, approved (the policy lets it
	// run alone) or blocked.
	Status    string
	ExpiresAt time.Time
	Marker    string
}

const actionColumns = `id, connection_id, idempotency_key, action_type, subject, insight_kind, group_key, target_model,
	target_id, partner_id, amount, description, parameters, decision_reasoning, evidence, policy_mode, policy_reason,
	status, status_reason, approved_by, approved_at, rejected_by, rejected_at, expires_at, not_before, executed_at,
	marker, record_model, record_id, record_write_date, before_values, result, attempts, last_error,
	rolled_back_at, rolled_back_by, impact_status, impact_checked_at, impact_note, created_at, updated_at`

func scanAction(row interface{ Scan(...any) error }) (*Action, error) {
	var (
		a                                          Action
		targetID, partnerID, approvedBy, rejected  *int64
		recordID, rolledBy                         *int64
		params, evidence, before, result           string
		approvedAt, rejectedAt, expires, notBefore nullTimeScanner
		executedAt, rolledAt, impactAt             nullTimeScanner
	)
	if err := row.Scan(&a.ID, &a.ConnectionID, &a.IdempotencyKey, &a.ActionType, &a.Subject, &a.InsightKind, &a.GroupKey,
		&a.TargetModel, &targetID, &partnerID, &a.Amount, &a.Description, &params, &a.Reasoning, &evidence, &a.PolicyMode,
		&a.PolicyReason, &a.Status, &a.StatusReason, &approvedBy, &approvedAt, &rejected, &rejectedAt, &expires, &notBefore,
		&executedAt, &a.Marker, &a.RecordModel, &recordID, &a.RecordWriteDate, &before, &result, &a.Attempts, &a.LastError,
		&rolledAt, &rolledBy, &a.ImpactStatus, &impactAt, &a.ImpactNote, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	deref := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	a.TargetID, a.PartnerID, a.ApprovedBy, a.RejectedBy = deref(targetID), deref(partnerID), deref(approvedBy), deref(rejected)
	a.RecordID, a.RolledBackBy = deref(recordID), deref(rolledBy)
	a.Parameters, a.Evidence = json.RawMessage(params), json.RawMessage(evidence)
	a.BeforeValues, a.Result = json.RawMessage(before), json.RawMessage(result)
	a.ApprovedAt, a.RejectedAt, a.ExpiresAt, a.NotBefore = approvedAt.Time, rejectedAt.Time, expires.Time, notBefore.Time
	a.ExecutedAt, a.RolledBackAt, a.ImpactCheckedAt = executedAt.Time, rolledAt.Time, impactAt.Time
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

// ActionCreate inserts a proposed action, or returns the existing action
// with the same idempotency key; created reports which.
func (s *Store) ActionCreate(ctx context.Context, p ActionCreateParams) (a *Action, created bool, err error) {
	if p.ConnectionID == 0 || p.IdempotencyKey == "" || p.ActionType == "" || p.Status == "" {
		return nil, false, errors.New("store: create action: connection, idempotency key, type and status are required")
	}
	params, err := jsonOrEmpty(p.Parameters, "{}")
	if err != nil {
		return nil, false, fmt.Errorf("store: create action %q: parameters: %w", p.IdempotencyKey, err)
	}
	evidence, err := jsonOrEmpty(p.Evidence, "{}")
	if err != nil {
		return nil, false, fmt.Errorf("store: create action %q: evidence: %w", p.IdempotencyKey, err)
	}
	now := s.nowUTC()
	var approvedAt sql.NullTime
	if p.Status == ActionApproved {
		approvedAt = nullTime(now)
	}
	a, err = scanAction(s.q.QueryRowContext(ctx, `
		INSERT INTO autonomous_actions (connection_id, idempotency_key, action_type, subject, insight_kind, group_key,
			target_model, target_id, partner_id, amount, description, parameters, decision_reasoning, evidence,
			policy_mode, policy_reason, requires_approval, status, expires_at, marker, approved_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22)
		ON CONFLICT (connection_id, idempotency_key) DO NOTHING
		RETURNING `+actionColumns,
		p.ConnectionID, p.IdempotencyKey, p.ActionType, p.Subject, p.InsightKind, p.GroupKey, p.TargetModel,
		nullID(p.TargetID), nullID(p.PartnerID), p.Amount, p.Description, params, p.Reasoning, evidence,
		p.PolicyMode, p.PolicyReason, p.Status == ActionPending, p.Status, nullTime(p.ExpiresAt), p.Marker, approvedAt, now))
	if err == nil {
		return a, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, fmt.Errorf("store: create action %q: %w", p.IdempotencyKey, err)
	}
	a, err = s.ActionByKey(ctx, p.ConnectionID, p.IdempotencyKey)
	return a, false, err
}

// ActionByID returns the action id of the connection, or ErrNotFound.
func (s *Store) ActionByID(ctx context.Context, connectionID, id int64) (*Action, error) {
	a, err := scanAction(s.q.QueryRowContext(ctx, `SELECT `+actionColumns+` FROM autonomous_actions
		WHERE connection_id = $1 AND id = $2`, connectionID, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("action %d", id))
	}
	return a, nil
}

// ActionByKey returns the action with the idempotency key, or ErrNotFound.
func (s *Store) ActionByKey(ctx context.Context, connectionID int64, key string) (*Action, error) {
	a, err := scanAction(s.q.QueryRowContext(ctx, `SELECT `+actionColumns+` FROM autonomous_actions
		WHERE connection_id = $1 AND idempotency_key = $2`, connectionID, key))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("action %q", key))
	}
	return a, nil
}

// ActionListParams filters ActionList.
type ActionListParams struct {
	ConnectionID int64
	// Statuses keeps actions in any of these statuses; empty keeps all.
	Statuses   []string
	ActionType string
	GroupKey   string
	// IDs keeps only these actions; empty keeps all.
	IDs []int64
	// Limit caps the result; 0 means 500.
	Limit int
}

// ActionList returns the connection's actions, newest first.
func (s *Store) ActionList(ctx context.Context, p ActionListParams) ([]*Action, error) {
	q := `SELECT ` + actionColumns + ` FROM autonomous_actions WHERE connection_id = $1`
	args := []any{p.ConnectionID}
	in := func(col string, n int, get func(i int) any) {
		marks := make([]string, n)
		for i := range n {
			args = append(args, get(i))
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		q += " AND " + col + " IN (" + strings.Join(marks, ", ") + ")"
	}
	if len(p.Statuses) > 0 {
		in("status", len(p.Statuses), func(i int) any { return p.Statuses[i] })
	}
	if len(p.IDs) > 0 {
		in("id", len(p.IDs), func(i int) any { return p.IDs[i] })
	}
	if p.ActionType != "" {
		args = append(args, p.ActionType)
		q += fmt.Sprintf(" AND action_type = $%d", len(args))
	}
	if p.GroupKey != "" {
		args = append(args, p.GroupKey)
		q += fmt.Sprintf(" AND group_key = $%d", len(args))
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 500
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", limit)
	rows, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list actions: %w", err)
	}
	defer rows.Close()
	var out []*Action
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list actions: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list actions: %w", err)
	}
	return out, nil
}

// ActionTransitionParams describes a status change. Fields left at their
// zero value are not changed, except Status and StatusReason.
type ActionTransitionParams struct {
	ConnectionID int64
	ID           int64
	// From lists the statuses the action must be in; the change is refused
	// with ErrActionStatus otherwise.
	From         []string
	Status       string
	StatusReason string
	ApprovedBy   int64
	Approved     bool // set approved_at (and approved_by when not zero)
	RejectedBy   int64
	Rejected     bool // set rejected_at (and rejected_by when not zero)
	NotBefore    time.Time
	// CountAttempt adds one to attempts.
	CountAttempt bool
	LastError    *string
	// Executed sets executed_at and the record fields below.
	Executed        bool
	RecordModel     string
	RecordID        int64
	RecordWriteDate string
	BeforeValues    json.RawMessage
	Result          json.RawMessage
	// RolledBack sets rolled_back_at and rolled_back_by.
	RolledBack   bool
	RolledBackBy int64
}

// ActionTransition changes an action's status when it is in one of
// p.From, in one statement, and returns the updated action. It returns
// ErrActionStatus when the action is in another status and ErrNotFound when
// it does not exist.
func (s *Store) ActionTransition(ctx context.Context, p ActionTransitionParams) (*Action, error) {
	if len(p.From) == 0 || p.Status == "" {
		return nil, errors.New("store: action transition: From and Status are required")
	}
	now := s.nowUTC()
	sets := []string{"status = $3", "status_reason = $4", "updated_at = $5"}
	args := []any{p.ConnectionID, p.ID, p.Status, p.StatusReason, now}
	set := func(col string, v any) {
		args = append(args, v)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	if p.Approved {
		set("approved_at", now)
		set("requires_approval", false)
		if p.ApprovedBy != 0 {
			set("approved_by", p.ApprovedBy)
		}
	}
	if p.Rejected {
		set("rejected_at", now)
		if p.RejectedBy != 0 {
			set("rejected_by", p.RejectedBy)
		}
	}
	if !p.NotBefore.IsZero() {
		set("not_before", timestamp(p.NotBefore))
	}
	if p.CountAttempt {
		sets = append(sets, "attempts = attempts + 1")
	}
	if p.LastError != nil {
		set("last_error", *p.LastError)
	}
	if p.Executed {
		set("executed_at", now)
		set("record_model", p.RecordModel)
		set("record_id", nullID(p.RecordID))
		set("record_write_date", p.RecordWriteDate)
		before, err := jsonOrEmpty(p.BeforeValues, "{}")
		if err != nil {
			return nil, fmt.Errorf("store: action %d: before values: %w", p.ID, err)
		}
		set("before_values", before)
		result, err := jsonOrEmpty(p.Result, "{}")
		if err != nil {
			return nil, fmt.Errorf("store: action %d: result: %w", p.ID, err)
		}
		set("result", result)
	}
	if p.RolledBack {
		set("rolled_back_at", now)
		set("rolled_back_by", nullID(p.RolledBackBy))
	}
	marks := make([]string, len(p.From))
	for i, f := range p.From {
		args = append(args, f)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	a, err := scanAction(s.q.QueryRowContext(ctx, `UPDATE autonomous_actions SET `+strings.Join(sets, ", ")+`
		WHERE connection_id = $1 AND id = $2 AND status IN (`+strings.Join(marks, ", ")+`)
		RETURNING `+actionColumns, args...))
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: action %d to %s: %w", p.ID, p.Status, err)
	}
	cur, gerr := s.ActionByID(ctx, p.ConnectionID, p.ID)
	if gerr != nil {
		return nil, gerr
	}
	return nil, fmt.Errorf("store: action %d to %s: it is %s: %w", p.ID, p.Status, cur.Status, ErrActionStatus)
}

// ActionCountParams selects executed actions to count against a limit.
type ActionCountParams struct {
	ConnectionID int64
	ActionType   string
	// PartnerID, when not zero, counts only actions about this partner.
	PartnerID int64
	// Since counts actions executed at or after this time.
	Since time.Time
}

// ActionCountExecuted counts the actions executed (and not since rolled
// back or not) of a type since a time: what the policy's daily and weekly
// limits count. Actions approved but not yet run are counted too, so two
// jobs cannot both pass a limit.
func (s *Store) ActionCountExecuted(ctx context.Context, p ActionCountParams) (int, error) {
	q := `SELECT COUNT(*) FROM autonomous_actions WHERE connection_id = $1 AND action_type = $2
		AND ((status IN ('executed', 'rolled_back') AND executed_at >= $3)
		  OR (status IN ('approved', 'executing') AND approved_at >= $3))`
	args := []any{p.ConnectionID, p.ActionType, timestamp(p.Since)}
	if p.PartnerID != 0 {
		q += ` AND partner_id = $4`
		args = append(args, p.PartnerID)
	}
	var n int
	if err := s.q.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count actions: %w", err)
	}
	return n, nil
}
