package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// NotifyPrefs are one person's choices of how alerts reach them. The zero
// value changes nothing: every channel the rule names, every priority, at
// any hour, at once, every area the role sees.
type NotifyPrefs struct {
	// Channels are the channel kinds the person takes ("email", "sms",
	// "slack", "webhook", "odoo_discuss"); empty means all. In-app is
	// always kept: it is the record of what was sent.
	Channels []string `json:"channels,omitempty"`
	// MinPriority is, per channel kind, the lowest priority sent on it
	// ("critical", "high", "medium"); missing means every priority.
	MinPriority map[string]string `json:"min_priority,omitempty"`
	// QuietStart and QuietEnd ("22:00", "07:00", in the person's time
	// zone) hold notifications other than in-app for the next digest;
	// empty means no quiet hours.
	QuietStart string `json:"quiet_start,omitempty"`
	QuietEnd   string `json:"quiet_end,omitempty"`
	// CriticalBreaksQuiet sends critical alerts during quiet hours.
	CriticalBreaksQuiet bool `json:"critical_breaks_quiet,omitempty"`
	// Digest holds every alert but critical ones for the daily digest.
	Digest bool `json:"digest,omitempty"`
	// Areas limits alerts to these analysis areas (alerts of no area, a
	// failing job, always come); empty means every area the role sees.
	Areas []string `json:"areas,omitempty"`
}

var clockRE = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)

// Check reports what is wrong with p.
func (p NotifyPrefs) Check() error {
	for ch, prio := range p.MinPriority {
		if PriorityRank(prio) > 3 {
			return fmt.Errorf("minimum priority %q of %s is not critical, high, medium or low", prio, ch)
		}
	}
	if (p.QuietStart == "") != (p.QuietEnd == "") {
		return fmt.Errorf("quiet hours need a start and an end")
	}
	for _, c := range []string{p.QuietStart, p.QuietEnd} {
		if c != "" && !clockRE.MatchString(c) {
			return fmt.Errorf("quiet hour %q is not a time like 22:00", c)
		}
	}
	if p.QuietStart != "" && p.QuietStart == p.QuietEnd {
		return fmt.Errorf("quiet hours start and end at the same time")
	}
	return nil
}

// Quiet reports whether t, read in loc, falls in the quiet hours (which
// may run over midnight).
func (p NotifyPrefs) Quiet(t time.Time, loc *time.Location) bool {
	if p.QuietStart == "" || loc == nil {
		return false
	}
	now := t.In(loc).Format("15:04")
	if p.QuietStart < p.QuietEnd {
		return now >= p.QuietStart && now < p.QuietEnd
	}
	return now >= p.QuietStart || now < p.QuietEnd
}

// Takes reports whether the person takes channel kind ch at priority prio.
func (p NotifyPrefs) Takes(ch, prio string) bool {
	if ch == "in_app" || ch == "inapp" {
		return true
	}
	if len(p.Channels) > 0 && !slices.Contains(p.Channels, ch) {
		return false
	}
	if min, ok := p.MinPriority[ch]; ok && PriorityRank(prio) > PriorityRank(min) {
		return false
	}
	return true
}

// NotifyPrefsGet returns a user's preferences (the zero value when none
// were saved).
func (s *Store) NotifyPrefsGet(ctx context.Context, userID int64) (NotifyPrefs, error) {
	var raw string
	err := s.q.QueryRowContext(ctx, `SELECT prefs FROM user_notify_prefs WHERE user_id = $1`, userID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return NotifyPrefs{}, nil
	}
	if err != nil {
		return NotifyPrefs{}, fmt.Errorf("store: notification preferences of user %d: %w", userID, err)
	}
	var p NotifyPrefs
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return NotifyPrefs{}, fmt.Errorf("store: notification preferences of user %d: %w", userID, err)
	}
	return p, nil
}

// NotifyPrefsPut saves a user's preferences after checking them.
func (s *Store) NotifyPrefsPut(ctx context.Context, connectionID, userID int64, p NotifyPrefs) error {
	if err := p.Check(); err != nil {
		return fmt.Errorf("store: notification preferences: %w", err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = s.q.ExecContext(ctx, `INSERT INTO user_notify_prefs (user_id, connection_id, prefs, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET prefs = excluded.prefs, updated_at = excluded.updated_at`, userID, connectionID, string(b), s.nowUTC())
	if err != nil {
		return fmt.Errorf("store: save notification preferences of user %d: %w", userID, err)
	}
	return nil
}

// NotifyPrefsList returns the saved preferences of a connection's users.
func (s *Store) NotifyPrefsList(ctx context.Context, connectionID int64) (map[int64]NotifyPrefs, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT user_id, prefs FROM user_notify_prefs WHERE connection_id = $1`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: list notification preferences: %w", err)
	}
	defer rows.Close()
	out := map[int64]NotifyPrefs{}
	for rows.Next() {
		var (
			id  int64
			raw string
			p   NotifyPrefs
		)
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return nil, fmt.Errorf("store: notification preferences of user %d: %w", id, err)
		}
		out[id] = p
	}
	return out, rows.Err()
}
