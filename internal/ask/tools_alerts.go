package ask

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/briefing"
	"github.com/aicoo/aicoo/internal/store"
)

// alertItem is an alert as the tools return it.
type alertItem struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	Priority    string    `json:"priority"`
	Status      string    `json:"status"`
	Area        string    `json:"area"`
	Description string    `json:"description,omitempty"`
	Occurrences int       `json:"occurrences"`
	CreatedAt   time.Time `json:"created_at"`
	LastSeenAt  time.Time `json:"last_seen_at"`
	// Records are the Odoo records behind it.
	Records []analysis.Ref     `json:"records,omitempty"`
	Facts   map[string]float64 `json:"facts,omitempty"`
}

func newAlertItem(a *store.Alert) alertItem {
	it := alertItem{ID: a.ID, Title: a.Title, Priority: a.Priority, Status: a.Status, Area: a.Type, Description: a.Description,
		Occurrences: a.Occurrences, CreatedAt: a.CreatedAt, LastSeenAt: a.LastSeenAt}
	var data struct {
		Refs  []analysis.Ref     `json:"refs"`
		Facts map[string]float64 `json:"facts"`
	}
	if json.Unmarshal(a.Data, &data) == nil {
		for _, r := range data.Refs {
			r.URL = "" // links are built at render time from the connection
			it.Records = append(it.Records, r)
		}
		it.Facts = data.Facts
	}
	return it
}

func alertSources(it alertItem) []Source {
	out := []Source{{Label: "Alert: " + it.Title, Path: "/alerts/" + strconv.FormatInt(it.ID, 10)}}
	for _, r := range it.Records {
		for _, id := range r.IDs {
			if len(out) > 5 {
				return out
			}
			out = append(out, Source{Label: fmt.Sprintf("%s %d", r.Model, id), Model: r.Model, ID: id})
		}
	}
	return out
}

var alertStatuses = []string{"open", "all", store.AlertNew, store.AlertAcknowledged, store.AlertResolved, store.AlertDismissed}

func (t *tools) alerts(ctx context.Context, c Caller, in json.RawMessage) (*Output, error) {
	const tool = "alerts"
	var p struct {
		Status   string `json:"status"`
		Priority string `json:"priority"`
		Area     string `json:"area"`
		Limit    int    `json:"limit"`
	}
	if err := decode(tool, in, &p); err != nil {
		return nil, err
	}
	p.Status = cmp.Or(p.Status, "open")
	if !slices.Contains(alertStatuses, p.Status) {
		return nil, inputErr(tool, "status must be one of %s", strings.Join(alertStatuses, ", "))
	}
	if p.Priority != "" && store.PriorityRank(p.Priority) == 4 {
		return nil, inputErr(tool, "priority must be critical, high, medium or low")
	}
	limit := cmp.Or(p.Limit, 20)
	if limit < 1 || limit > 100 {
		return nil, inputErr(tool, "limit must be between 1 and 100")
	}
	if p.Area != "" && !t.d.Access.CanSeeArea(c.Role, p.Area) {
		return nil, refuse(tool, c.Role, "alerts of "+p.Area, p.Area)
	}
	all, err := t.d.Store.AlertList(ctx, store.AlertListParams{ConnectionID: c.ConnectionID, OpenOnly: p.Status == "open", Type: p.Area, Limit: 2000})
	if err != nil {
		return nil, fmt.Errorf("ask: alerts: %w", err)
	}
	items := []alertItem{}
	out := &Output{}
	total := 0
	for _, a := range all {
		if !t.d.Access.CanSeeArea(c.Role, a.Type) || (p.Priority != "" && a.Priority != p.Priority) ||
			(p.Status != "open" && p.Status != "all" && a.Status != p.Status) {
			continue
		}
		total++
		if len(items) == limit {
			continue
		}
		it := newAlertItem(a)
		items = append(items, it)
		out.Sources = append(out.Sources, Source{Label: "Alert: " + it.Title, Path: "/alerts/" + strconv.FormatInt(it.ID, 10)})
	}
	out.Data = map[string]any{"total": total, "alerts": items}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s alerts", total, p.Status)
	if len(items) < total {
		fmt.Fprintf(&b, " (the first %d listed)", len(items))
	}
	b.WriteString(".")
	for _, it := range items {
		fmt.Fprintf(&b, "\n- %s · %s", priorityWord(it.Priority), it.Title)
	}
	out.Text = b.String()
	return out, nil
}

func priorityWord(p string) string {
	if p == "" {
		return ""
	}
	return strings.ToUpper(p[:1]) + p[1:]
}

// alertEvent is one step of an alert's history.
type alertEvent struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	Actor  string    `json:"actor"`
	Note   string    `json:"note,omitempty"`
}

func (t *tools) alert(ctx context.Context, c Caller, in json.RawMessage) (*Output, error) {
	const tool = "alert"
	var p struct {
		ID int64 `json:"id"`
	}
	if err := decode(tool, in, &p); err != nil {
		return nil, err
	}
	d, err := t.d.Store.AlertGet(ctx, c.ConnectionID, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, inputErr(tool, "no alert %d", p.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("ask: alert %d: %w", p.ID, err)
	}
	if !t.d.Access.CanSeeArea(c.Role, d.Type) {
		return nil, refuse(tool, c.Role, fmt.Sprintf("alert %d", p.ID), d.Type)
	}
	evs, err := t.d.Store.AlertEventList(ctx, d.ID)
	if err != nil {
		return nil, fmt.Errorf("ask: alert %d: %w", p.ID, err)
	}
	it := newAlertItem(&d.Alert)
	history := []alertEvent{}
	for _, e := range evs {
		history = append(history, alertEvent{At: e.At, Action: e.Action, Actor: e.Actor, Note: e.Note})
	}
	data := map[string]any{"alert": it, "history": history}
	if !d.SnoozedUntil.IsZero() {
		data["snoozed_until"] = d.SnoozedUntil
	}
	if d.ResolutionNote != "" {
		data["resolution_note"] = d.ResolutionNote
	}
	text := fmt.Sprintf("%s · %s (%s), raised %s, seen %d times.", priorityWord(it.Priority), it.Title, it.Status,
		it.CreatedAt.Format("2006-01-02"), it.Occurrences)
	return &Output{Data: data, Text: text, Sources: alertSources(it)}, nil
}

func (t *tools) briefing(ctx context.Context, c Caller, in json.RawMessage) (*Output, error) {
	const tool = "briefing"
	var p struct {
		Role string `json:"role"`
		Date string `json:"date"`
	}
	if err := decode(tool, in, &p); err != nil {
		return nil, err
	}
	own := briefing.RoleForUser(c.Role)
	role := cmp.Or(p.Role, own)
	if _, ok := briefing.DefaultRoles(t.d.Catalogue)[role]; !ok {
		return nil, inputErr(tool, "role must be ceo, cfo, sales or ops")
	}
	if role != own && !t.d.Access.SeesEveryArea(c.Role) {
		return nil, &RefusedError{Tool: tool, Reason: fmt.Sprintf("the %s role may only read its own briefing", c.Role)}
	}
	now := t.now()
	day, err := parseDay(tool, "date", p.Date, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, err
	}
	src := []Source{{Label: "Briefings", Path: "/briefings"}}
	if t.d.Briefings != nil {
		b, err := t.d.Briefings.Build(ctx, c.ConnectionID, role, day)
		if err != nil {
			return nil, fmt.Errorf("ask: briefing: %w", err)
		}
		// The charts' values are for the email's images; left out, they
		// cost the model no tokens.
		facts := *b.Facts
		facts.Charts = nil
		return &Output{Data: map[string]any{"role": role, "date": day.Format(time.DateOnly), "markdown": b.Markdown, "facts": facts},
			Text: b.Markdown, Sources: src}, nil
	}
	// Without a generator, the briefing stored for the caller that day.
	list, err := t.d.Store.DailyBriefingList(ctx, store.DailyBriefingListParams{ConnectionID: c.ConnectionID, UserID: c.UserID, Limit: 60})
	if err != nil {
		return nil, fmt.Errorf("ask: briefings: %w", err)
	}
	for _, b := range list {
		if b.Date.Equal(day) && b.Role == role {
			src = append(src, Source{Label: "Briefing of " + day.Format(time.DateOnly), Path: "/briefings/" + strconv.FormatInt(b.ID, 10)})
			return &Output{Data: map[string]any{"role": role, "date": day.Format(time.DateOnly), "markdown": b.Content},
				Text: b.Content, Sources: src}, nil
		}
	}
	return &Output{Data: nil, Text: fmt.Sprintf("No %s briefing was written for %s.", role, day.Format(time.DateOnly)), Sources: src}, nil
}

var actionStatusFilters = map[string][]string{
	"pending":     {store.ActionPending},
	"approved":    {store.ActionApproved, store.ActionExecuting},
	"executed":    {store.ActionExecuted},
	"rolled_back": {store.ActionRolledBack},
	"closed":      {store.ActionRejected, store.ActionBlocked, store.ActionExpired, store.ActionFailed, store.ActionCancelled},
	"all":         nil,
}

// actionItem is an action as the tools return it.
type actionItem struct {
	ID          int64     `json:"id"`
	Type        string    `json:"type"`
	TypeLabel   string    `json:"type_label"`
	Status      string    `json:"status"`
	Title       string    `json:"title"`
	Reasoning   string    `json:"reasoning,omitempty"`
	Amount      float64   `json:"amount,omitempty"`
	TargetModel string    `json:"target_model,omitempty"`
	TargetID    int64     `json:"target_id,omitempty"`
	Approvers   []string  `json:"approver_roles"`
	CreatedAt   time.Time `json:"created_at"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// canSeeAction mirrors the dashboard: roles that see every area see every
// action, the others those they may decide on.
func (t *tools) canSeeAction(role, typ string) bool {
	return t.d.Access.SeesEveryArea(role) || t.d.Kinds.MayApprove(actions.Type(typ), role)
}

func (t *tools) newActionItem(a *store.Action) actionItem {
	it := actionItem{ID: a.ID, Type: a.ActionType, Status: a.Status, Title: a.Description, Reasoning: a.Reasoning,
		Amount: cents(a.Amount), TargetModel: a.TargetModel, TargetID: a.TargetID, CreatedAt: a.CreatedAt, ExpiresAt: a.ExpiresAt}
	if info, err := t.d.Kinds.Info(actions.Type(a.ActionType)); err == nil {
		it.TypeLabel, it.Approvers = info.Label, info.Roles
	}
	return it
}

func actionSources(it actionItem) []Source {
	out := []Source{{Label: "Action: " + it.Title, Path: "/actions?status=all"}}
	if it.TargetModel != "" && it.TargetID != 0 {
		out = append(out, Source{Label: fmt.Sprintf("%s %d", it.TargetModel, it.TargetID), Model: it.TargetModel, ID: it.TargetID})
	}
	return out
}

func (t *tools) listActions(ctx context.Context, c Caller, in json.RawMessage) (*Output, error) {
	const tool = "actions"
	var p struct {
		Status string `json:"status"`
		Type   string `json:"type"`
		Limit  int    `json:"limit"`
	}
	if err := decode(tool, in, &p); err != nil {
		return nil, err
	}
	p.Status = cmp.Or(p.Status, "pending")
	statuses, ok := actionStatusFilters[p.Status]
	if !ok {
		return nil, inputErr(tool, "status must be pending, approved, executed, rolled_back, closed or all")
	}
	if p.Type != "" {
		if _, err := t.d.Kinds.Info(actions.Type(p.Type)); err != nil {
			return nil, inputErr(tool, "%v", err)
		}
	}
	limit := cmp.Or(p.Limit, 20)
	if limit < 1 || limit > 100 {
		return nil, inputErr(tool, "limit must be between 1 and 100")
	}
	list, err := t.d.Store.ActionList(ctx, store.ActionListParams{ConnectionID: c.ConnectionID, Statuses: statuses, ActionType: p.Type, Limit: 2000})
	if err != nil {
		return nil, fmt.Errorf("ask: actions: %w", err)
	}
	items := []actionItem{}
	out := &Output{}
	total := 0
	for _, a := range list {
		if !t.canSeeAction(c.Role, a.ActionType) {
			continue
		}
		total++
		if len(items) == limit {
			continue
		}
		it := t.newActionItem(a)
		items = append(items, it)
		if len(out.Sources) < sourcesMax {
			out.Sources = append(out.Sources, actionSources(it)...)
		}
	}
	out.Data = map[string]any{"total": total, "actions": items}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s actions", total, strings.ReplaceAll(p.Status, "_", " "))
	if len(items) < total {
		fmt.Fprintf(&b, " (the first %d listed)", len(items))
	}
	b.WriteString(".")
	for _, it := range items {
		fmt.Fprintf(&b, "\n- %s (%s; %s; may be approved by %s)", it.Title, it.TypeLabel, strings.ReplaceAll(it.Status, "_", " "), orList(it.Approvers))
	}
	out.Text = b.String()
	return out, nil
}
