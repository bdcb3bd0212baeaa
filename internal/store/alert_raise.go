package store

import (
	"context"
	"fmt"
	"time"
)

// AlertFireParams describes an alert condition seen now, as every source
// (rules over analysis results, failing monitoring jobs, the language-model
// budget) raises it.
type AlertFireParams struct {
	AlertRaiseParams
	// Annotation, when set, is applied to a newly opened alert (rule,
	// subject, labels, escalation policy).
	Annotation *AlertAnnotation
	// Note explains the "raised" event of a newly opened alert.
	Note string
	At   time.Time // the event's time; defaults to the store's clock
}

// AlertFired is what AlertRaiseWithEvent did.
type AlertFired struct {
	Alert   *Alert
	Created bool // a new alert was opened; false when an open one got another occurrence
	// PreviousID is the latest earlier alert of the same fingerprint that
	// a new alert was linked to (0 when none, or when not Created).
	PreviousID int64
}

// AlertRaiseWithEvent is the one way alerts are raised: it opens the alert
// of the fingerprint or counts another occurrence on the open one (see
// AlertRaise), and a newly opened alert is annotated, linked to the
// fingerprint's previous alert, marked for notification and gets its
// "raised" (or "reoccurred") event, all in one transaction, so every source
// yields the same lifecycle.
func (s *Store) AlertRaiseWithEvent(ctx context.Context, p AlertFireParams) (AlertFired, error) {
	var out AlertFired
	err := s.inTxIfNeeded(ctx, func(tx *Store) error {
		a, created, err := tx.AlertRaise(ctx, p.AlertRaiseParams)
		if err != nil {
			return err
		}
		out = AlertFired{Alert: a, Created: created}
		if !created {
			return nil
		}
		if p.Annotation != nil {
			if err := tx.AlertAnnotate(ctx, a.ID, *p.Annotation); err != nil {
				return err
			}
		}
		if out.PreviousID, err = tx.AlertLinkPrevious(ctx, a.ID); err != nil {
			return err
		}
		// The column defaults to pending; set it here so the lifecycle does
		// not hang on a schema default.
		if err := tx.AlertSetNotifyPending(ctx, a.ID, true); err != nil {
			return err
		}
		ev := AlertEventParams{ConnectionID: a.ConnectionID, AlertID: a.ID, At: p.At, Action: AlertEventRaised, Note: p.Note}
		if out.PreviousID != 0 {
			ev.Action = AlertEventReoccurred
			if ev.Note != "" {
				ev.Note += "; "
			}
			ev.Note += fmt.Sprintf("it happened before: alert #%d", out.PreviousID)
		}
		_, err = tx.AlertEventAppend(ctx, ev)
		return err
	})
	if err != nil {
		return AlertFired{}, err
	}
	return out, nil
}
