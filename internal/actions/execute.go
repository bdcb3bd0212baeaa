package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// QuietHoursError is returned by Execute while the type's quiet hours last;
// try again at Until.
type QuietHoursError struct {
	Until time.Time
}

func (e *QuietHoursError) Error() string {
	return "actions: quiet hours until " + e.Until.UTC().Format(time.RFC3339)
}

// Execute runs an approved action in Odoo, once. It re-reads the policy
// (never cancels the action; an action approved by the policy alone goes
// back to the approval queue when the policy now requires approval), waits
// out quiet hours (QuietHoursError), re-checks the facts (stale facts
// expire the action), then looks for the action's marker in Odoo, on
// records aicoo's own Odoo user created, and creates the record only when
// no earlier attempt did. When Odoo's answer is lost after the request may
// have been applied (odoo.ErrOutcomeUnknown) it searches for the marker
// again instead of repeating the write.
//
// An action already executed is returned as is. Permanent refusals by Odoo
// mark the action failed and return an error wrapping ErrPermanent;
// transient failures leave it to be retried and return the error.
func (s *Service) Execute(ctx context.Context, connectionID, actionID int64) (*store.Action, error) {
	a, err := s.cfg.Store.ActionByID(ctx, connectionID, actionID)
	if err != nil {
		return nil, fmt.Errorf("actions: execute: %w", err)
	}
	switch a.Status {
	case store.ActionExecuted, store.ActionRolledBack:
		return a, nil
	case store.ActionApproved, store.ActionExecuting:
	default:
		return a, fmt.Errorf("%w: action %d is %s", ErrNotExecutable, a.ID, a.Status)
	}
	t := Type(a.ActionType)
	k, err := s.cfg.Kinds.kind(t)
	if err != nil {
		return a, err
	}
	info := k.Info()
	var p Params
	if err := json.Unmarshal(a.Parameters, &p); err != nil {
		return a, fmt.Errorf("actions: action %d parameters: %w", a.ID, err)
	}
	// The policy is read again: it may have been narrowed since approval.
	pol, err := s.Policy(ctx, connectionID, t)
	if err != nil {
		return a, err
	}
	open := []string{store.ActionApproved, store.ActionExecuting}
	if pol.Mode == ModeNever {
		a, err = s.transition(ctx, a, store.ActionTransitionParams{From: open, Status: store.ActionCancelled,
			StatusReason: "the policy for " + string(t) + " is now never"}, "policy", AuditCancelled, nil)
		if err != nil {
			return a, err
		}
		return a, fmt.Errorf("%w: %s", ErrBlocked, a.StatusReason)
	}
	if a.ApprovedBy == 0 && pol.Mode != ModeAuto {
		reason := "the policy for " + string(t) + " now requires approval"
		a, err = s.transition(ctx, a, store.ActionTransitionParams{From: open, Status: store.ActionPending, StatusReason: reason},
			"policy", AuditReturned, map[string]any{"reason": reason})
		if err != nil {
			return a, err
		}
		return a, fmt.Errorf("%w: %s", ErrNotExecutable, reason)
	}
	now := s.now()
	if until, quiet := pol.QuietUntil(now); quiet {
		return a, &QuietHoursError{Until: until}
	}
	o, err := s.cfg.OdooFunc(ctx, connectionID)
	if err != nil {
		return a, fmt.Errorf("actions: odoo for connection %d: %w", connectionID, err)
	}
	// Right before execution, the facts are checked once more.
	stale, err := staleReason(ctx, s.cfg.Kinds, o, t, &p)
	if err != nil {
		return a, err
	}
	if stale != "" {
		a, err = s.transition(ctx, a, store.ActionTransitionParams{From: open, Status: store.ActionExpired, StatusReason: stale},
			"system", AuditExpired, map[string]any{"reason": stale, "at": "execution"})
		if err != nil {
			return a, err
		}
		return a, fmt.Errorf("%w: %s", ErrStale, stale)
	}
	a, err = s.cfg.Store.ActionTransition(ctx, store.ActionTransitionParams{ConnectionID: connectionID, ID: a.ID, From: open,
		Status: store.ActionExecuting, StatusReason: a.StatusReason, CountAttempt: true})
	if err != nil {
		return nil, fmt.Errorf("actions: execute %d: %w", actionID, err)
	}

	reused := true
	id, err := findByMarker(ctx, o, k, &p, a.Marker)
	if err == nil && id == 0 {
		reused = false
		id, err = k.Execute(ctx, o, &p, a.Marker)
		if errors.Is(err, odoo.ErrOutcomeUnknown) {
			// Odoo may have committed before the answer was lost: look
			// instead of writing again.
			if found, ferr := findByMarker(ctx, o, k, &p, a.Marker); ferr == nil && found != 0 {
				id, err, reused = found, nil, true
			}
		}
	}
	if err != nil {
		return s.executionFailed(ctx, a, err)
	}
	rec, err := readRecord(ctx, o, k, info.Model, id)
	if err != nil {
		return s.executionFailed(ctx, a, err)
	}
	writeDate := ""
	after := map[string]any{}
	if rec != nil {
		writeDate, _ = rec.String("write_date")
		for k, v := range rec {
			after[k] = v
		}
	}
	result := mustJSON(map[string]any{"model": info.Model, "id": id, "found_by_marker": reused, "after": after})
	before := mustJSON(map[string]any{"exists": false, "note": "the record did not exist before; rollback: " + info.Inverse})
	err = s.cfg.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		a, err = tx.ActionTransition(ctx, store.ActionTransitionParams{ConnectionID: connectionID, ID: a.ID,
			From: []string{store.ActionExecuting}, Status: store.ActionExecuted, StatusReason: "", Executed: true,
			RecordModel: info.Model, RecordID: id, RecordWriteDate: writeDate, BeforeValues: before, Result: result,
			LastError: new(string)})
		if err != nil {
			return err
		}
		_, err = tx.AuditAppend(ctx, store.AuditAppendParams{ConnectionID: connectionID, Actor: "system", Action: AuditExecuted,
			Subject: actionSubject(a), Details: mustJSON(map[string]any{"type": a.ActionType, "key": a.IdempotencyKey,
				"odoo_model": info.Model, "odoo_id": id, "created": !reused, "found_by_marker": reused, "marker": a.Marker,
				"target": map[string]any{"model": p.Model, "id": p.ResID}, "before": json.RawMessage(before),
				"after": after, "approved_by": a.ApprovedBy, "attempt": a.Attempts})})
		return err
	})
	if err != nil {
		return a, fmt.Errorf("actions: record execution of %d: %w", actionID, err)
	}
	return a, nil
}

// executionFailed records a failed attempt: a permanent refusal marks the
// action failed; anything else leaves it executing for a retry.
func (s *Service) executionFailed(ctx context.Context, a *store.Action, cause error) (*store.Action, error) {
	msg := cause.Error()
	if transient(cause) {
		if _, err := s.cfg.Store.ActionTransition(ctx, store.ActionTransitionParams{ConnectionID: a.ConnectionID, ID: a.ID,
			From: []string{store.ActionExecuting}, Status: store.ActionExecuting, StatusReason: "will retry", LastError: &msg}); err != nil {
			return a, errors.Join(cause, err)
		}
		return a, fmt.Errorf("actions: execute %d: %w", a.ID, cause)
	}
	out, err := s.transition(ctx, a, store.ActionTransitionParams{From: []string{store.ActionExecuting}, Status: store.ActionFailed,
		StatusReason: msg, LastError: &msg}, "system", AuditFailed, map[string]any{"error": msg, "attempt": a.Attempts})
	if err != nil {
		return a, errors.Join(cause, err)
	}
	return out, fmt.Errorf("%w: action %d: %w", ErrPermanent, a.ID, cause)
}

// Rollback undoes an executed action: it removes (or, for tasks, archives;
// for RFQs, cancels) the record the action created, after checking that
// nobody changed it since. It refuses, with an error wrapping
// ErrRollbackRefused that says why, when the record is gone, was not
// created by aicoo's Odoo user, was changed in Odoo after aicoo created
// it, or (an RFQ) is no longer a draft. The rollback and a refusal are
// audited with the record's values before.
func (s *Service) Rollback(ctx context.Context, connectionID, actionID int64, actor Actor) (*store.Action, error) {
	a, err := s.cfg.Store.ActionByID(ctx, connectionID, actionID)
	if err != nil {
		return nil, fmt.Errorf("actions: rollback: %w", err)
	}
	t := Type(a.ActionType)
	if actor.UserID != 0 && !s.cfg.Kinds.MayApprove(t, actor.Role) {
		return nil, fmt.Errorf("%w: role %q may not roll back %s actions", ErrForbidden, actor.Role, t)
	}
	k, err := s.cfg.Kinds.kind(t)
	if err != nil {
		return a, err
	}
	if a.Status != store.ActionExecuted {
		return a, fmt.Errorf("%w: action %d is %s, not executed", ErrRollbackRefused, a.ID, a.Status)
	}
	o, err := s.cfg.OdooFunc(ctx, connectionID)
	if err != nil {
		return a, fmt.Errorf("actions: odoo for connection %d: %w", connectionID, err)
	}
	rec, err := readRecord(ctx, o, k, a.RecordModel, a.RecordID)
	if err != nil {
		return a, fmt.Errorf("actions: rollback %d: %w", a.ID, err)
	}
	refuse := func(reason string) (*store.Action, error) {
		if _, err := s.cfg.Store.AuditAppend(ctx, store.AuditAppendParams{ConnectionID: connectionID, Actor: actor.label(),
			Action: AuditRollbackRefuse, Subject: actionSubject(a), Details: mustJSON(map[string]any{"reason": reason,
				"odoo_model": a.RecordModel, "odoo_id": a.RecordID, "current": rec})}); err != nil {
			return a, errors.Join(fmt.Errorf("%w: %s", ErrRollbackRefused, reason), err)
		}
		return a, fmt.Errorf("%w: %s", ErrRollbackRefused, reason)
	}
	if rec == nil {
		return refuse(k.Blocked(a, nil))
	}
	// The record was found by its marker: it must be one aicoo wrote (an
	// action executed before markers were checked against create_uid may
	// point at a message someone else planted).
	uid, err := selfUID(o)
	if err != nil {
		return a, fmt.Errorf("actions: rollback %d: %w", a.ID, err)
	}
	if creator, _ := rec.Many2One("create_uid"); creator.ID != uid {
		return refuse(fmt.Sprintf("%s %d was created by %s, not by aicoo's Odoo user (id %d): aicoo removes only what it created",
			a.RecordModel, a.RecordID, m2oLabel(rec, "create_uid"), uid))
	}
	if wd, _ := rec.String("write_date"); wd != a.RecordWriteDate {
		return refuse(fmt.Sprintf("%s %d was changed in Odoo at %s by %s after aicoo created it (at %s); undo it in Odoo if still wanted",
			a.RecordModel, a.RecordID, wd, m2oLabel(rec, "write_uid"), a.RecordWriteDate))
	}
	if reason := k.Blocked(a, rec); reason != "" {
		return refuse(reason)
	}
	if err := k.Rollback(ctx, o, a); err != nil {
		return a, fmt.Errorf("actions: rollback %d: %w", a.ID, err)
	}
	info := k.Info()
	err = s.cfg.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		a, err = tx.ActionTransition(ctx, store.ActionTransitionParams{ConnectionID: connectionID, ID: a.ID,
			From: []string{store.ActionExecuted}, Status: store.ActionRolledBack, StatusReason: "rolled back by " + actor.label(),
			RolledBack: true, RolledBackBy: actor.UserID})
		if err != nil {
			return err
		}
		// A rolled-back action says nothing about impact: it leaves the
		// rates now rather than at the next impact check.
		if _, err := tx.ActionImpactSet(ctx, store.ActionImpactParams{ConnectionID: connectionID, ID: a.ID,
			Status: store.ImpactExcluded, Note: "rolled back: not counted", CheckedAt: s.now()}); err != nil {
			return err
		}
		_, err = tx.AuditAppend(ctx, store.AuditAppendParams{ConnectionID: connectionID, Actor: actor.label(), Action: AuditRolledBack,
			Subject: actionSubject(a), Details: mustJSON(map[string]any{"type": a.ActionType, "odoo_model": a.RecordModel,
				"odoo_id": a.RecordID, "operation": info.Inverse, "before": rec})})
		return err
	})
	if err != nil {
		return a, fmt.Errorf("actions: record rollback of %d: %w", actionID, err)
	}
	return a, nil
}
