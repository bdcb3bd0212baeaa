package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/attention"
	"github.com/aicoo/aicoo/internal/store"
)

// alertView is an alert as the API and the pages show it.
type alertView struct {
	ID             int64              `json:"id"`
	Type           string             `json:"type"`
	Priority       string             `json:"priority"`
	Status         string             `json:"status"`
	Title          string             `json:"title"`
	Description    string             `json:"description"`
	Fingerprint    string             `json:"fingerprint"`
	Occurrences    int                `json:"occurrences"`
	AcknowledgedBy int64              `json:"acknowledged_by,omitempty"`
	AcknowledgedAt *time.Time         `json:"acknowledged_at,omitempty"`
	ResolvedAt     *time.Time         `json:"resolved_at,omitempty"`
	LastSeenAt     time.Time          `json:"last_seen_at"`
	CreatedAt      time.Time          `json:"created_at"`
	Refs           []analysis.Ref     `json:"refs"`
	Facts          map[string]float64 `json:"facts,omitempty"`
	// SnoozedUntil is set while the alert is snoozed.
	SnoozedUntil *time.Time `json:"snoozed_until,omitempty"`
	Open         bool       `json:"-"`
	// AreaLabel names the alert's area in words.
	AreaLabel string `json:"-"`
	// Kind, Subject and CompanyID come from the finding behind the alert.
	Kind      string `json:"-"`
	Subject   string `json:"-"`
	CompanyID int64  `json:"-"`
	// Stake is the money at stake in words and Lines the facts in words,
	// for the alert's page.
	Stake string     `json:"-"`
	Lines []factLine `json:"-"`
	// Names are the records' names by "model:id", for the alert's page.
	Names map[string]string `json:"-"`
}

// decorate sets what a view needs beyond the alert row: until when each
// open alert is snoozed, and its links into Odoo, built from the
// connection's current address (the stored ones may point at an address
// the Odoo has since left).
func (s *Server) decorate(ctx context.Context, connectionID int64, views []alertView) error {
	conn, err := s.cfg.Store.ConnectionByID(ctx, connectionID)
	if err != nil {
		return err
	}
	open := false
	for i := range views {
		relink(views[i].Refs, conn.OdooURL)
		open = open || views[i].Open
	}
	if !open {
		return nil
	}
	details, err := s.cfg.Store.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: connectionID, OpenOnly: true})
	if err != nil {
		return err
	}
	now := s.cfg.NowFunc()
	until := map[int64]time.Time{}
	for _, d := range details {
		if d.SnoozedUntil.After(now) {
			until[d.ID] = d.SnoozedUntil
		}
	}
	for i := range views {
		if t, ok := until[views[i].ID]; ok {
			views[i].SnoozedUntil = &t
		}
	}
	return nil
}

// relink points each reference at the record in the Odoo at base.
func relink(refs []analysis.Ref, base string) {
	for i := range refs {
		refs[i].URL = ""
		if len(refs[i].IDs) > 0 {
			refs[i].URL = odooLink(base, refs[i].Model, refs[i].IDs[0])
		}
	}
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (voc *vocab) newAlertView(a *store.Alert) alertView {
	v := alertView{ID: a.ID, Type: a.Type, Priority: a.Priority, Status: a.Status, Title: a.Title, Description: a.Description,
		Fingerprint: a.Fingerprint, Occurrences: a.Occurrences, AcknowledgedBy: a.AcknowledgedBy,
		AcknowledgedAt: timePtr(a.AcknowledgedAt), ResolvedAt: timePtr(a.ResolvedAt), LastSeenAt: a.LastSeenAt, CreatedAt: a.CreatedAt,
		Refs: []analysis.Ref{}, Open: a.Status == store.AlertNew || a.Status == store.AlertAcknowledged, AreaLabel: voc.areaWords(a.Type)}
	var data struct {
		Refs      []analysis.Ref     `json:"refs"`
		Facts     map[string]float64 `json:"facts"`
		Kind      string             `json:"kind"`
		Subject   string             `json:"subject"`
		CompanyID int64              `json:"company_id"`
	}
	if json.Unmarshal(a.Data, &data) == nil {
		v.Refs, v.Facts = append(v.Refs, data.Refs...), data.Facts
		v.Kind, v.Subject, v.CompanyID = data.Kind, data.Subject, data.CompanyID
	}
	for i := range v.Refs {
		v.Refs[i].URL = safeURL(v.Refs[i].URL)
	}
	return v
}

// safeURL keeps http and https links only (Odoo record links).
func safeURL(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

// alertFilter selects alerts for a list.
type alertFilter struct {
	Status   string // open (default), all, new, acknowledged, resolved, dismissed
	Priority string // empty: every priority
	Type     string // empty: every type
}

func parseAlertFilter(r *http.Request) (alertFilter, error) {
	q := r.URL.Query()
	f := alertFilter{Status: q.Get("status"), Priority: q.Get("priority"), Type: q.Get("type")}
	switch f.Status {
	case "":
		f.Status = "open"
	case "open", "all", store.AlertNew, store.AlertAcknowledged, store.AlertResolved, store.AlertDismissed:
	default:
		return f, fmt.Errorf("status must be open, all, new, acknowledged, resolved or dismissed, not %q", f.Status)
	}
	if f.Priority != "" && store.PriorityRank(f.Priority) == 4 {
		return f, fmt.Errorf("priority must be critical, high, medium or low, not %q", f.Priority)
	}
	return f, nil
}

// listAlerts returns up to limit alerts the user may see that match f, most
// urgent and newest first.
func (s *Server) listAlerts(ctx context.Context, u *store.User, f alertFilter, limit int) ([]*store.Alert, error) {
	if f.Type != "" && !s.canSeeArea(u.Role, f.Type) {
		return nil, nil
	}
	all, err := s.cfg.Store.AlertList(ctx, store.AlertListParams{ConnectionID: u.ConnectionID, OpenOnly: f.Status == "open",
		Type: f.Type, Limit: pageWindowMax + 1})
	if err != nil {
		return nil, err
	}
	var out []*store.Alert
	for _, a := range all {
		if !s.canSeeArea(u.Role, a.Type) || (f.Priority != "" && a.Priority != f.Priority) {
			continue
		}
		if f.Status != "open" && f.Status != "all" && a.Status != f.Status {
			continue
		}
		out = append(out, a)
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// alertByID returns the connection's alert with that id, or an error
// wrapping store.ErrNotFound.
func (s *Server) alertByID(ctx context.Context, connectionID, id int64) (*store.Alert, error) {
	d, err := s.cfg.Store.AlertGet(ctx, connectionID, id)
	if err != nil {
		return nil, err
	}
	return &d.Alert, nil
}

// pathID reads a positive integer path parameter.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s must be a positive whole number, not %q", name, r.PathValue(name))
	}
	return id, nil
}

func (s *Server) apiAlertList(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	f, err := parseAlertFilter(r)
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	pg, err := parsePage(r)
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	limit := pg.fetch()
	if wantCSV(r) {
		limit = pageWindowMax
	}
	alerts, err := s.listAlerts(r.Context(), u, f, limit)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	if wantCSV(r) {
		rows := make([][]string, 0, len(alerts))
		for _, a := range alerts {
			rows = append(rows, []string{strconv.FormatInt(a.ID, 10), a.Priority, a.Status, a.Type, a.Title, a.Description,
				strconv.Itoa(a.Occurrences), a.CreatedAt.Format(time.RFC3339), a.LastSeenAt.Format(time.RFC3339)})
		}
		writeCSV(w, "alerts.csv", []string{"id", "priority", "status", "type", "title", "description", "occurrences", "created_at", "last_seen_at"}, rows)
		return
	}
	views := make([]alertView, 0, len(alerts))
	for _, a := range paginate(alerts, &pg) {
		views = append(views, s.newAlertView(a))
	}
	if err := s.decorate(r.Context(), u.ConnectionID, views); err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[alertView]{Data: views, Pagination: pg})
}

// visibleAlert loads the alert named in the path and checks the user may
// see it, answering the error itself when not.
func (s *Server) visibleAlert(w http.ResponseWriter, r *http.Request, api bool) (*store.Alert, bool) {
	u := userFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, api, err.Error())
		return nil, false
	}
	a, err := s.alertByID(r.Context(), u.ConnectionID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, api, fmt.Sprintf("There is no alert %d.", id))
		return nil, false
	}
	if err != nil {
		s.fail(w, r, api, err)
		return nil, false
	}
	if !s.requireArea(w, r, api, a.Type) {
		return nil, false
	}
	return a, true
}

func (s *Server) apiAlertGet(w http.ResponseWriter, r *http.Request) {
	if a, ok := s.visibleAlert(w, r, true); ok {
		views := []alertView{s.newAlertView(a)}
		if err := s.decorate(r.Context(), a.ConnectionID, views); err != nil {
			s.apiServerError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, views[0])
	}
}

// alertActionInput is the body of the action endpoints (all fields
// optional except what the action needs).
type alertActionInput struct {
	Note    string    `json:"note"`
	Until   time.Time `json:"until"`
	Minutes int       `json:"minutes"`
}

// doAlertAction runs one lifecycle change and publishes it.
func (s *Server) doAlertAction(ctx context.Context, u *store.User, a *store.Alert, action string, in alertActionInput) error {
	if s.cfg.AlertActions == nil {
		return errNoAlertActions
	}
	var err error
	switch action {
	case "acknowledge":
		err = s.cfg.AlertActions.AlertAcknowledge(ctx, u.ConnectionID, a.ID, u.ID)
	case "resolve":
		err = s.cfg.AlertActions.AlertResolve(ctx, u.ConnectionID, a.ID, u.ID, in.Note)
	case "dismiss":
		err = s.cfg.AlertActions.AlertDismiss(ctx, u.ConnectionID, a.ID, u.ID, in.Note)
	case "snooze":
		until := in.Until
		if until.IsZero() && in.Minutes > 0 {
			until = s.cfg.NowFunc().Add(time.Duration(in.Minutes) * time.Minute)
		}
		if !until.After(s.cfg.NowFunc()) {
			return errBadSnooze
		}
		err = s.cfg.AlertActions.AlertSnooze(ctx, u.ConnectionID, a.ID, u.ID, until)
	default:
		return fmt.Errorf("web: unknown alert action %q", action)
	}
	if err != nil {
		return err
	}
	status := map[string]string{"acknowledge": store.AlertAcknowledged, "resolve": store.AlertResolved, "dismiss": store.AlertDismissed, "snooze": "snoozed"}[action]
	s.overview.invalidate(u.ConnectionID) // the person sees their change on the overview at once
	s.cfg.Broker.Publish(Event{Type: "alert", ConnectionID: u.ConnectionID, AlertID: a.ID, Area: a.Type, Status: status, Title: a.Title})
	return nil
}

var (
	errNoAlertActions = errors.New("web: alert actions are not available in this process")
	errBadSnooze      = errors.New("web: snooze needs a time in the future")
)

func (s *Server) apiAlertAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.visibleAlert(w, r, true)
		if !ok {
			return
		}
		var in alertActionInput
		if err := decodeJSONBody(w, r, &in); err != nil {
			s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "The body must be a JSON object with note, until (RFC 3339) or minutes: "+err.Error())
			return
		}
		u := userFrom(r.Context())
		if err := s.doAlertAction(r.Context(), u, a, action, in); err != nil {
			s.alertActionError(w, r, true, err)
			return
		}
		a, err := s.alertByID(r.Context(), u.ConnectionID, a.ID)
		if err != nil {
			s.apiServerError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.newAlertView(a))
	}
}

func (s *Server) alertActionError(w http.ResponseWriter, r *http.Request, api bool, err error) {
	switch {
	case errors.Is(err, errNoAlertActions):
		if api {
			s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Alert actions are not available in this process.")
		} else {
			s.renderError(w, r, http.StatusNotImplemented, "Alert actions are not available in this process.")
		}
	case errors.Is(err, errBadSnooze):
		s.badRequest(w, r, api, "Snooze needs a time in the future (until, or minutes above 0).")
	case errors.Is(err, ErrAlertState), errors.Is(err, store.ErrAlertState):
		if api {
			s.apiError(w, r, http.StatusConflict, codeConflict, "The alert's state does not allow this: "+err.Error())
		} else {
			s.renderError(w, r, http.StatusConflict, "The alert's state does not allow this.")
		}
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r, api, "There is no such alert.")
	default:
		s.fail(w, r, api, err)
	}
}

func (s *Server) badRequest(w http.ResponseWriter, r *http.Request, api bool, msg string) {
	if api {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, msg)
		return
	}
	s.renderError(w, r, http.StatusBadRequest, msg)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, api bool, msg string) {
	if api {
		s.apiError(w, r, http.StatusNotFound, codeNotFound, msg)
		return
	}
	s.renderError(w, r, http.StatusNotFound, msg)
}

// alertsPage is the Alerts page.
type alertsPage struct {
	Filter  alertFilter
	Alerts  []alertView
	Pager   pager
	Areas   []string
	CanAct  bool
	Notice  string
	Message string
}

func (s *Server) showAlerts(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	f, err := parseAlertFilter(r)
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	alerts, err := s.listAlerts(r.Context(), u, f, 500)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := alertsPage{Filter: f, CanAct: s.can(u.Role, permAlertAct) && s.cfg.AlertActions != nil, Notice: r.URL.Query().Get("done")}
	pg, err := parsePage(r)
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	pg.PerPage = pagePerPage
	for _, a := range paginate(alerts, &pg) {
		p.Alerts = append(p.Alerts, s.newAlertView(a))
	}
	p.Pager = newPager(r, pg, len(alerts))
	if err := s.decorate(r.Context(), u.ConnectionID, p.Alerts); err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, a := range s.areas {
		if s.canSeeArea(u.Role, a) {
			p.Areas = append(p.Areas, a)
		}
	}
	s.render(w, r, "alerts", http.StatusOK, p)
}

type alertPage struct {
	Alert  alertView
	CanAct bool
	// Escalation is where the alert is on the ladder of the escalation
	// policy it follows; nil when it follows none.
	Escalation *escalationView
}

// escalationView is an alert's escalation: the policy, why the alert
// follows it, where it is in words, and the ladder's steps.
type escalationView struct {
	Policy string
	// Via says where the policy comes from: the alert's rule, or its
	// priority.
	Via   string
	State string
	Steps []escalationStep
}

// escalationStep is one step of the ladder as the alert page shows it.
type escalationStep struct {
	Text string
	// Current marks the step the alert is at (taken, waiting for an
	// acknowledgement).
	Current bool
}

// alertPolicy returns the policy an alert follows, as the alert tick picks
// it (the rule's first, then the one attached to the alert's priority),
// and where it comes from; nil when none.
func (s *Server) alertPolicy(ctx context.Context, d *store.AlertDetail) (*store.EscalationPolicy, string, error) {
	if d.EscalationPolicyID != 0 {
		p, err := s.cfg.Store.EscalationPolicyByID(ctx, d.EscalationPolicyID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, "", nil
		}
		return p, "the alert's rule", err
	}
	pols, err := s.cfg.Store.EscalationPolicyList(ctx, d.ConnectionID)
	if err != nil {
		return nil, "", err
	}
	for _, p := range pols {
		if slices.Contains(p.Priorities, d.Priority) {
			return p, "every " + d.Priority + " alert whose rule has no policy", nil
		}
	}
	return nil, "", nil
}

// escalationState describes where an alert is on its policy's ladder.
func (s *Server) escalationState(ctx context.Context, connectionID, alertID int64) (*escalationView, error) {
	d, err := s.cfg.Store.AlertGet(ctx, connectionID, alertID)
	if err != nil {
		return nil, err
	}
	p, via, err := s.alertPolicy(ctx, d)
	if err != nil || p == nil {
		return nil, err
	}
	users, err := s.cfg.Store.UserList(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	name := map[int64]string{}
	for _, u := range users {
		name[u.ID] = u.Username
	}
	v := &escalationView{Policy: p.Name, Via: via}
	climbing := d.Status == store.AlertNew && !d.EscalationNextAt.IsZero()
	for i, l := range p.Levels {
		var who []string
		for _, id := range l.UserIDs {
			who = append(who, name[id])
		}
		for _, r := range l.Roles {
			who = append(who, "every "+roleName(r))
		}
		by := "the rule's channels"
		if len(l.Channels) > 0 {
			chs := make([]string, len(l.Channels))
			for j, c := range l.Channels {
				chs[j] = channelLabel(s.cfg.ChannelKinds)(c)
			}
			by = strings.Join(chs, ", ")
		}
		v.Steps = append(v.Steps, escalationStep{Current: climbing && i == d.EscalationLevel,
			Text: fmt.Sprintf("notify %s by %s, then wait %d minutes", strings.Join(who, ", "), by, int(time.Duration(l.Timeout)/time.Minute))})
	}
	switch {
	case !d.Open():
		v.State = fmt.Sprintf("stopped (the alert is %s)", d.Status)
	case d.Status == store.AlertAcknowledged:
		v.State = "paused while acknowledged"
	case d.EscalationNextAt.IsZero() && d.NotifiedAt.IsZero():
		v.State = "starts with the first notification"
	case d.EscalationNextAt.IsZero():
		v.State = "every step taken, no acknowledgement"
	default:
		round := ""
		if d.EscalationRound > 0 {
			round = fmt.Sprintf(", round %d of %d", d.EscalationRound+1, p.Repeat+1)
		}
		v.State = fmt.Sprintf("step %d of %d%s; the next step at %s unless someone acknowledges it",
			d.EscalationLevel+1, len(p.Levels), round, d.EscalationNextAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return v, nil
}

func (s *Server) showAlert(w http.ResponseWriter, r *http.Request) {
	a, ok := s.visibleAlert(w, r, false)
	if !ok {
		return
	}
	u := userFrom(r.Context())
	views := []alertView{s.newAlertView(a)}
	if err := s.decorate(r.Context(), u.ConnectionID, views); err != nil {
		s.serverError(w, r, err)
		return
	}
	v := &views[0]
	jobs, err := s.visibleJobs(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	cur := currencyOf(s.companyCurrencies(r.Context(), jobs), v.CompanyID)
	_, docCur := s.recordOf(r.Context(), u.ConnectionID, v.Subject)
	v.Lines = factLines(v.Facts, cur, docCur)
	v.Names = map[string]string{}
	for _, ref := range v.Refs {
		for i, id := range ref.IDs {
			if i == 20 {
				break // a long list of records is named by number
			}
			key := ref.Model + ":" + strconv.FormatInt(id, 10)
			if name, _ := s.recordOf(r.Context(), u.ConnectionID, key); name != "" {
				v.Names[key] = name
			}
		}
	}
	if st := attention.Assess(v.Kind, v.Subject, v.Facts, cur); st.Money > 0 {
		v.Stake = st.Driver
	}
	esc, err := s.escalationState(r.Context(), u.ConnectionID, v.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, "alert", http.StatusOK, alertPage{Alert: *v, CanAct: s.can(u.Role, permAlertAct) && s.cfg.AlertActions != nil, Escalation: esc})
}

// postAlertAction is the form version of the actions: it redirects back to
// the list (or the page named by "next").
func (s *Server) postAlertAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.visibleAlert(w, r, false)
		if !ok {
			return
		}
		if err := r.ParseForm(); err != nil {
			s.renderError(w, r, http.StatusBadRequest, "Bad form.")
			return
		}
		in := alertActionInput{Note: r.PostForm.Get("note")}
		if m := r.PostForm.Get("minutes"); m != "" {
			n, err := strconv.Atoi(m)
			if err != nil || n <= 0 || n > 60*24*90 {
				s.renderError(w, r, http.StatusBadRequest, "Snooze for a whole number of minutes, up to 90 days.")
				return
			}
			in.Minutes = n
		}
		if err := s.doAlertAction(r.Context(), userFrom(r.Context()), a, action, in); err != nil {
			s.alertActionError(w, r, false, err)
			return
		}
		next := safeNext(r.PostForm.Get("next"))
		if next == "/" {
			next = "/alerts"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}
