package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrAlertState is returned when an alert's status does not allow the
// change asked for (acknowledging a resolved alert, say).
var ErrAlertState = errors.New("alert status does not allow this")

// Alert event actions, kept in alert_events.
const (
	AlertEventRaised          = "raised"
	AlertEventReoccurred      = "reoccurred" // a new alert for a fingerprint seen before
	AlertEventAcknowledged    = "acknowledged"
	AlertEventAckExpired      = "ack_expired"
	AlertEventResolved        = "resolved"
	AlertEventAutoResolved    = "auto_resolved"
	AlertEventDismissed       = "dismissed"
	AlertEventSnoozed         = "snoozed"
	AlertEventUnsnoozed       = "unsnoozed"
	AlertEventNotified        = "notified"
	AlertEventEscalated       = "escalated"
	AlertEventEscalationEnded = "escalation_ended"
	AlertEventHeld            = "held" // over a user's daily cap, kept for the digest
)

// AlertDetail is an alert with its rule, subject, lifecycle and routing
// state.
type AlertDetail struct {
	Alert
	RuleID             int64
	Subject            string
	Labels             map[string]string
	PreviousAlertID    int64
	AckExpiresAt       time.Time
	ResolvedBy         int64
	ResolutionNote     string
	SnoozedUntil       time.Time
	NotifyPending      bool
	NotifiedAt         time.Time
	EscalationPolicyID int64
	EscalationLevel    int
	EscalationRound    int
	EscalationNextAt   time.Time
}

// Open reports whether the alert is new or acknowledged.
func (a *AlertDetail) Open() bool { return a.Status == AlertNew || a.Status == AlertAcknowledged }

const alertDetailColumns = alertColumns + `, rule_id, subject, labels, previous_alert_id, ack_expires_at, resolved_by,
	resolution_note, snoozed_until, notify_pending, notified_at, escalation_policy_id, escalation_level,
	escalation_round, escalation_next_at`

// extraScanner appends destinations to a row's Scan, so scanAlert reads the
// leading columns and the rest land in extra.
type extraScanner struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.row.Scan(append(dest, e.extra...)...) }

func scanAlertDetail(row interface{ Scan(...any) error }) (*AlertDetail, error) {
	var (
		d                                  AlertDetail
		ruleID, prevID, resolvedBy, policy *int64
		labels                             string
		ackExp, snoozed, notified, nextEsc nullTimeScanner
	)
	a, err := scanAlert(extraScanner{row: row, extra: []any{&ruleID, &d.Subject, &labels, &prevID, &ackExp, &resolvedBy,
		&d.ResolutionNote, &snoozed, &d.NotifyPending, &notified, &policy, &d.EscalationLevel, &d.EscalationRound, &nextEsc}})
	if err != nil {
		return nil, err
	}
	d.Alert = *a
	for _, p := range []struct {
		src *int64
		dst *int64
	}{{ruleID, &d.RuleID}, {prevID, &d.PreviousAlertID}, {resolvedBy, &d.ResolvedBy}, {policy, &d.EscalationPolicyID}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	if err := json.Unmarshal([]byte(labels), &d.Labels); err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	d.AckExpiresAt, d.SnoozedUntil, d.NotifiedAt, d.EscalationNextAt = ackExp.Time, snoozed.Time, notified.Time, nextEsc.Time
	return &d, nil
}

func (s *Store) alertDetails(ctx context.Context, what, query string, args ...any) ([]*AlertDetail, error) {
	rows, err := s.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []*AlertDetail
	for rows.Next() {
		d, err := scanAlertDetail(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// AlertGet returns one alert of a connection with its details.
func (s *Store) AlertGet(ctx context.Context, connectionID, id int64) (*AlertDetail, error) {
	d, err := scanAlertDetail(s.q.QueryRowContext(ctx, `SELECT `+alertDetailColumns+` FROM alerts
		WHERE id = $1 AND connection_id = $2`, id, connectionID))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("alert %d", id))
	}
	return d, nil
}

// AlertDetailListParams filters AlertDetailList.
type AlertDetailListParams struct {
	ConnectionID int64 // required
	OpenOnly     bool
	RuleID       int64  // 0 means every rule
	Subject      string // empty means every subject
	Limit        int    // defaults to 1000
}

// AlertDetailList lists a connection's alerts with their details, most
// urgent and newest first.
func (s *Store) AlertDetailList(ctx context.Context, p AlertDetailListParams) ([]*AlertDetail, error) {
	if p.Limit <= 0 {
		p.Limit = 1000
	}
	return s.alertDetails(ctx, "list alerts", `SELECT `+alertDetailColumns+` FROM alerts
		WHERE connection_id = $1
		  AND (status IN ('new', 'acknowledged') OR $2 = FALSE)
		  AND (rule_id = $3 OR $3 = 0)
		  AND (subject = $4 OR $4 = '')
		ORDER BY `+priorityRankSQL("priority")+`, last_seen_at DESC, id DESC
		LIMIT $5`, p.ConnectionID, p.OpenOnly, p.RuleID, p.Subject, p.Limit)
}

// AlertAnnotation is what a rule adds to an alert it raised.
type AlertAnnotation struct {
	RuleID             int64
	Subject            string
	Labels             map[string]string
	EscalationPolicyID int64
}

// AlertAnnotate sets an alert's rule, subject, labels and escalation policy.
func (s *Store) AlertAnnotate(ctx context.Context, id int64, a AlertAnnotation) error {
	labels, err := json.Marshal(nonNilMap(a.Labels))
	if err != nil {
		return fmt.Errorf("store: annotate alert %d: %w", id, err)
	}
	if _, err := s.q.ExecContext(ctx, `UPDATE alerts SET rule_id = $2, subject = $3, labels = $4, escalation_policy_id = $5
		WHERE id = $1`, id, nullID(a.RuleID), a.Subject, string(labels), nullID(a.EscalationPolicyID)); err != nil {
		return fmt.Errorf("store: annotate alert %d: %w", id, err)
	}
	return nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// AlertLinkPrevious links a new alert to the latest closed alert of the
// same fingerprint, if any, and returns that alert's id (0 when none).
func (s *Store) AlertLinkPrevious(ctx context.Context, id int64) (int64, error) {
	var prev sql.NullInt64
	err := s.q.QueryRowContext(ctx, `UPDATE alerts SET previous_alert_id = (
			SELECT MAX(p.id) FROM alerts p WHERE p.connection_id = alerts.connection_id
			AND p.fingerprint = alerts.fingerprint AND p.id < alerts.id)
		WHERE id = $1 RETURNING previous_alert_id`, id).Scan(&prev)
	if err != nil {
		return 0, notFound(err, fmt.Sprintf("link alert %d", id))
	}
	return prev.Int64, nil
}

// AlertActParams names who changes an alert, when and why.
type AlertActParams struct {
	ConnectionID int64
	AlertID      int64
	UserID       int64  // 0 for the system
	Actor        string // a username, or "system"
	Note         string
	At           time.Time // defaults to the store's clock
}

func (s *Store) actAt(t time.Time) time.Time {
	if t.IsZero() {
		return s.nowUTC()
	}
	return timestamp(t)
}

// alertTransition runs an UPDATE on one alert of the connection that only
// matches in the allowed statuses (an SQL list), appends the event, and
// explains a miss. In set, $3 is the time and extra arguments start at $4.
func (s *Store) alertTransition(ctx context.Context, p AlertActParams, action, allowed, set string, extra ...any) (*AlertDetail, error) {
	var out *AlertDetail
	err := s.inTxIfNeeded(ctx, func(tx *Store) error {
		args := append([]any{p.AlertID, p.ConnectionID, tx.actAt(p.At)}, extra...)
		d, err := scanAlertDetail(tx.q.QueryRowContext(ctx, `UPDATE alerts SET `+set+`, updated_at = $3
			WHERE id = $1 AND connection_id = $2 AND status IN (`+allowed+`) RETURNING `+alertDetailColumns, args...))
		if errors.Is(err, sql.ErrNoRows) {
			cur, gerr := tx.AlertGet(ctx, p.ConnectionID, p.AlertID)
			if gerr != nil {
				return gerr
			}
			return fmt.Errorf("store: %s alert %d: it is %s: %w", action, p.AlertID, cur.Status, ErrAlertState)
		}
		if err != nil {
			return fmt.Errorf("store: %s alert %d: %w", action, p.AlertID, err)
		}
		out = d
		_, err = tx.AlertEventAppend(ctx, AlertEventParams{ConnectionID: p.ConnectionID, AlertID: p.AlertID,
			At: p.At, UserID: p.UserID, Actor: p.Actor, Action: action, Note: p.Note})
		return err
	})
	return out, err
}

const openStatuses = `'new', 'acknowledged'`

// AlertAcknowledge moves a new alert to acknowledged, which stops its
// escalation. With ackTimeout > 0 the acknowledgement expires after it and
// the alert returns to new (see AlertAckExpire).
func (s *Store) AlertAcknowledge(ctx context.Context, p AlertActParams, ackTimeout time.Duration) (*AlertDetail, error) {
	var expires sql.NullTime
	if ackTimeout > 0 {
		expires = nullTime(s.actAt(p.At).Add(ackTimeout))
	}
	return s.alertTransition(ctx, p, AlertEventAcknowledged, `'new'`, `status = 'acknowledged',
		acknowledged_by = $4, acknowledged_at = $3, ack_expires_at = $5, escalation_next_at = NULL`, nullID(p.UserID), expires)
}

// AlertResolve resolves an open alert, keeping who did it and why.
func (s *Store) AlertResolve(ctx context.Context, p AlertActParams) (*AlertDetail, error) {
	return s.alertTransition(ctx, p, AlertEventResolved, openStatuses, closeSet(AlertResolved), nullID(p.UserID), p.Note)
}

// AlertDismiss dismisses an open alert (not a problem, or not worth acting
// on), keeping who did it and why.
func (s *Store) AlertDismiss(ctx context.Context, p AlertActParams) (*AlertDetail, error) {
	return s.alertTransition(ctx, p, AlertEventDismissed, openStatuses, closeSet(AlertDismissed), nullID(p.UserID), p.Note)
}

func closeSet(status string) string {
	return `status = '` + status + `', resolved_at = $3, resolved_by = $4, resolution_note = $5,
		escalation_next_at = NULL, ack_expires_at = NULL, notify_pending = FALSE`
}

// AlertSnooze keeps one open alert quiet until the given time: it is
// neither notified nor escalated meanwhile.
func (s *Store) AlertSnooze(ctx context.Context, p AlertActParams, until time.Time) (*AlertDetail, error) {
	if !until.After(s.actAt(p.At)) {
		return nil, fmt.Errorf("store: snooze alert %d: until %s is not in the future", p.AlertID, until.UTC().Format(time.RFC3339))
	}
	return s.alertTransition(ctx, p, AlertEventSnoozed, openStatuses, `snoozed_until = $4`, timestamp(until))
}

// AlertAutoResolve resolves the open alert of the fingerprint because its
// condition cleared, with a note, and reports whether there was one.
func (s *Store) AlertAutoResolve(ctx context.Context, connectionID int64, fingerprint, note string, at time.Time) (bool, error) {
	var found bool
	err := s.inTxIfNeeded(ctx, func(tx *Store) error {
		var id int64
		err := tx.q.QueryRowContext(ctx, `SELECT id FROM alerts WHERE connection_id = $1 AND fingerprint = $2
			AND status IN ('new', 'acknowledged')`, connectionID, fingerprint).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: auto-resolve alert %q: %w", fingerprint, err)
		}
		found = true
		_, err = tx.alertTransition(ctx, AlertActParams{ConnectionID: connectionID, AlertID: id, Actor: "system", Note: note, At: at},
			AlertEventAutoResolved, openStatuses, closeSet(AlertResolved), nullID(0), note)
		return err
	})
	return found, err
}

// AlertAckExpire returns acknowledged alerts whose acknowledgement timed
// out at or before now to new, resuming their escalation, and returns them.
func (s *Store) AlertAckExpire(ctx context.Context, connectionID int64, now time.Time) ([]*AlertDetail, error) {
	var out []*AlertDetail
	err := s.inTxIfNeeded(ctx, func(tx *Store) error {
		var err error
		out, err = tx.alertDetails(ctx, "expire acknowledgements", `UPDATE alerts SET status = 'new', ack_expires_at = NULL,
			notify_pending = TRUE, updated_at = $2,
			escalation_next_at = CASE WHEN escalation_policy_id IS NULL THEN NULL ELSE $2 END
			WHERE connection_id = $1 AND status = 'acknowledged' AND ack_expires_at <= $2
			RETURNING `+alertDetailColumns, connectionID, timestamp(now))
		if err != nil {
			return err
		}
		for _, d := range out {
			if _, err := tx.AlertEventAppend(ctx, AlertEventParams{ConnectionID: connectionID, AlertID: d.ID, At: now,
				Actor: "system", Action: AlertEventAckExpired, Note: "not resolved within the acknowledgement timeout"}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// AlertUnsnoozeDue ends the snoozes that are over at now, marks those alerts
// to be notified again, and returns them.
func (s *Store) AlertUnsnoozeDue(ctx context.Context, connectionID int64, now time.Time) ([]*AlertDetail, error) {
	var out []*AlertDetail
	err := s.inTxIfNeeded(ctx, func(tx *Store) error {
		var err error
		out, err = tx.alertDetails(ctx, "end snoozes", `UPDATE alerts SET snoozed_until = NULL, notify_pending = TRUE, updated_at = $2
			WHERE connection_id = $1 AND snoozed_until <= $2 RETURNING `+alertDetailColumns, connectionID, timestamp(now))
		if err != nil {
			return err
		}
		for _, d := range out {
			if _, err := tx.AlertEventAppend(ctx, AlertEventParams{ConnectionID: connectionID, AlertID: d.ID, At: now,
				Actor: "system", Action: AlertEventUnsnoozed, Note: "snooze ended"}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// AlertSetNotifyPending marks an alert as waiting (or not) for a notification.
func (s *Store) AlertSetNotifyPending(ctx context.Context, id int64, pending bool) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE alerts SET notify_pending = $2 WHERE id = $1`, id, pending); err != nil {
		return fmt.Errorf("store: alert %d notify state: %w", id, err)
	}
	return nil
}

// AlertMarkNotified records that an alert went out in a notification at t.
func (s *Store) AlertMarkNotified(ctx context.Context, id int64, t time.Time) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE alerts SET notify_pending = FALSE, notified_at = $2 WHERE id = $1`,
		id, timestamp(t)); err != nil {
		return fmt.Errorf("store: alert %d notified: %w", id, err)
	}
	return nil
}

// AlertSetEscalation stores where an alert's escalation stands; a zero next
// time stops it.
func (s *Store) AlertSetEscalation(ctx context.Context, id int64, level, round int, next time.Time) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE alerts SET escalation_level = $2, escalation_round = $3, escalation_next_at = $4
		WHERE id = $1`, id, level, round, nullTime(next)); err != nil {
		return fmt.Errorf("store: alert %d escalation: %w", id, err)
	}
	return nil
}

// AlertEscalationDue lists the connection's new alerts whose next
// escalation step is due at now.
func (s *Store) AlertEscalationDue(ctx context.Context, connectionID int64, now time.Time) ([]*AlertDetail, error) {
	return s.alertDetails(ctx, "list due escalations", `SELECT `+alertDetailColumns+` FROM alerts
		WHERE connection_id = $1 AND status = 'new' AND escalation_next_at <= $2 ORDER BY id`, connectionID, timestamp(now))
}

// AlertEvent is one change in an alert's life.
type AlertEvent struct {
	ID           int64
	ConnectionID int64
	AlertID      int64
	At           time.Time
	UserID       int64
	Actor        string
	Action       string
	Note         string
	Data         json.RawMessage
}

// AlertEventParams describes an event to append.
type AlertEventParams struct {
	ConnectionID int64
	AlertID      int64
	At           time.Time // defaults to the store's clock
	UserID       int64
	Actor        string // defaults to "system"
	Action       string
	Note         string
	Data         json.RawMessage
}

// AlertEventAppend appends an event to an alert's history.
func (s *Store) AlertEventAppend(ctx context.Context, p AlertEventParams) (*AlertEvent, error) {
	data, err := jsonOrEmpty(p.Data, "{}")
	if err != nil {
		return nil, fmt.Errorf("store: alert %d event: data: %w", p.AlertID, err)
	}
	if p.Actor == "" {
		p.Actor = "system"
	}
	e := AlertEvent{ConnectionID: p.ConnectionID, AlertID: p.AlertID, At: s.actAt(p.At), UserID: p.UserID,
		Actor: p.Actor, Action: p.Action, Note: p.Note, Data: json.RawMessage(data)}
	if err := s.q.QueryRowContext(ctx, `INSERT INTO alert_events (connection_id, alert_id, at, user_id, actor, action, note, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, e.ConnectionID, e.AlertID, e.At, nullID(e.UserID),
		e.Actor, e.Action, e.Note, data).Scan(&e.ID); err != nil {
		return nil, fmt.Errorf("store: alert %d event %s: %w", p.AlertID, p.Action, err)
	}
	return &e, nil
}

// AlertEventList returns an alert's history, oldest first.
func (s *Store) AlertEventList(ctx context.Context, alertID int64) ([]*AlertEvent, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT id, connection_id, alert_id, at, user_id, actor, action, note, data
		FROM alert_events WHERE alert_id = $1 ORDER BY id`, alertID)
	if err != nil {
		return nil, fmt.Errorf("store: alert %d events: %w", alertID, err)
	}
	defer rows.Close()
	var out []*AlertEvent
	for rows.Next() {
		var (
			e    AlertEvent
			uid  *int64
			data string
		)
		if err := rows.Scan(&e.ID, &e.ConnectionID, &e.AlertID, &e.At, &uid, &e.Actor, &e.Action, &e.Note, &data); err != nil {
			return nil, fmt.Errorf("store: alert %d events: %w", alertID, err)
		}
		if uid != nil {
			e.UserID = *uid
		}
		e.At, e.Data = e.At.UTC(), json.RawMessage(data)
		out = append(out, &e)
	}
	return out, rows.Err()
}
