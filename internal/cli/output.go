package cli

import (
	"encoding/json"
	"io"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// The --json shapes below are a documented interface (docs/cli.md): fields
// may be added, never renamed or removed. Times are RFC 3339 in UTC, null
// when the event has not happened; lists are arrays, empty when nothing
// matches. They are declared here, apart from the store's types, so a
// change to the store cannot change what scripts read.

// writeJSON prints v as indented JSON and a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// jsonTime is a time for JSON: UTC, or null when zero.
func jsonTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

type alertJSON struct {
	ID             int64             `json:"id"`
	Priority       string            `json:"priority"`
	Status         string            `json:"status"`
	Type           string            `json:"type"`
	Subject        string            `json:"subject"`
	Title          string            `json:"title"`
	Description    string            `json:"description"`
	Labels         map[string]string `json:"labels"`
	Occurrences    int               `json:"occurrences"`
	FirstSeen      *time.Time        `json:"first_seen"`
	LastSeen       *time.Time        `json:"last_seen"`
	AcknowledgedAt *time.Time        `json:"acknowledged_at"`
	ResolvedAt     *time.Time        `json:"resolved_at"`
	ResolutionNote string            `json:"resolution_note"`
	SnoozedUntil   *time.Time        `json:"snoozed_until"`
	Rule           string            `json:"rule,omitempty"`
	Events         []alertEventJSON  `json:"events,omitempty"`
}

type alertEventJSON struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	Actor  string    `json:"actor"`
	Note   string    `json:"note"`
}

func alertOf(a *store.AlertDetail) alertJSON {
	labels := a.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	return alertJSON{ID: a.ID, Priority: a.Priority, Status: a.Status, Type: a.Type, Subject: a.Subject, Title: a.Title,
		Description: a.Description, Labels: labels, Occurrences: a.Occurrences, FirstSeen: jsonTime(a.CreatedAt),
		LastSeen: jsonTime(a.LastSeenAt), AcknowledgedAt: jsonTime(a.AcknowledgedAt), ResolvedAt: jsonTime(a.ResolvedAt),
		ResolutionNote: a.ResolutionNote, SnoozedUntil: jsonTime(a.SnoozedUntil)}
}

type ruleJSON struct {
	Name               string            `json:"name"`
	Description        string            `json:"description"`
	Builtin            string            `json:"builtin"`
	Enabled            bool              `json:"enabled"`
	Source             string            `json:"source"`
	Kind               string            `json:"kind"`
	Expression         string            `json:"expression"`
	Threshold          float64           `json:"threshold"`
	Priority           string            `json:"priority"`
	PendingEvaluations int               `json:"pending_evaluations"`
	PendingFor         string            `json:"pending_for"`
	Owner              string            `json:"owner"`
	Labels             map[string]string `json:"labels"`
	Channels           []string          `json:"channels"`
	EscalationPolicyID int64             `json:"escalation_policy_id"`
	GroupWait          string            `json:"group_wait"`
	GroupInterval      string            `json:"group_interval"`
	RepeatInterval     string            `json:"repeat_interval"`
	UpdatedAt          *time.Time        `json:"updated_at"`
}

// ruleOf describes a rule; owner is the owning user's name, "" for an
// org-wide rule.
func ruleOf(r *store.AlertRule, owner string) ruleJSON {
	labels, channels := r.Labels, r.Channels
	if labels == nil {
		labels = map[string]string{}
	}
	if channels == nil {
		channels = []string{}
	}
	return ruleJSON{Name: r.Name, Description: r.Description, Builtin: r.Builtin, Enabled: r.Enabled, Source: r.Source,
		Kind: r.InsightKind, Expression: r.Expression, Threshold: r.Threshold, Priority: r.Priority,
		PendingEvaluations: r.PendingEvaluations, PendingFor: r.PendingFor.String(), Owner: owner, Labels: labels,
		Channels: channels, EscalationPolicyID: r.EscalationPolicyID, GroupWait: r.GroupWait.String(),
		GroupInterval: r.GroupInterval.String(), RepeatInterval: r.RepeatInterval.String(), UpdatedAt: jsonTime(r.UpdatedAt)}
}

type userJSON struct {
	Username  string     `json:"username"`
	Role      string     `json:"role"`
	Email     string     `json:"email"`
	Timezone  string     `json:"timezone"`
	Phone     string     `json:"phone"`
	Disabled  bool       `json:"disabled"`
	CreatedAt *time.Time `json:"created_at"`
}

func userOf(u *store.User) userJSON {
	return userJSON{Username: u.Username, Role: u.Role, Email: u.Email, Timezone: u.Timezone, Phone: u.Phone, Disabled: u.Disabled,
		CreatedAt: jsonTime(u.CreatedAt)}
}

type tokenJSON struct {
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  *time.Time `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func tokenOf(t *store.APIToken) tokenJSON {
	return tokenJSON{Name: t.Name, Prefix: t.Prefix, CreatedAt: jsonTime(t.CreatedAt), ExpiresAt: jsonTime(t.ExpiresAt),
		LastUsedAt: jsonTime(t.LastUsedAt), RevokedAt: jsonTime(t.RevokedAt)}
}

type deadLetterJSON struct {
	ID        int64      `json:"id"`
	Channel   string     `json:"channel"`
	Recipient string     `json:"recipient"`
	Attempts  int        `json:"attempts"`
	Round     int        `json:"round"`
	DeadAt    *time.Time `json:"dead_at"`
	Subject   string     `json:"subject"`
	LastError string     `json:"last_error"`
	AlertID   int64      `json:"alert_id"`
}

func deadLetterOf(n *store.Notification) deadLetterJSON {
	return deadLetterJSON{ID: n.ID, Channel: n.Channel, Recipient: n.Recipient, Attempts: n.Attempts, Round: n.Round,
		DeadAt: jsonTime(n.DeadAt), Subject: n.Subject, LastError: n.LastError, AlertID: n.AlertID}
}

type auditJSON struct {
	Intact   bool   `json:"intact"`
	Entries  int64  `json:"entries"`
	BrokenAt int64  `json:"broken_at"` // 0 when intact
	Reason   string `json:"reason"`
}

type briefJSON struct {
	Connection string `json:"connection"`
	Role       string `json:"role"`
	Date       string `json:"date"`
	Narrative  string `json:"narrative"`
	Markdown   string `json:"markdown"`
	Text       string `json:"text"`
}
