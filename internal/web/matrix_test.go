package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// testAlertActions implements AlertActions over the real store for the
// tests (the alerts package provides the product's implementation).
type testAlertActions struct{ s *store.Store }

func (a testAlertActions) set(ctx context.Context, connectionID, alertID int64, status string, userID int64) error {
	res, err := a.s.DB().ExecContext(ctx, `UPDATE alerts SET status = $3, acknowledged_by = $4, acknowledged_at = $5, updated_at = $5
		WHERE connection_id = $1 AND id = $2`, connectionID, alertID, status, userID, time.Now().UTC())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

func (a testAlertActions) AlertAcknowledge(ctx context.Context, connectionID, alertID, userID int64) error {
	return a.set(ctx, connectionID, alertID, store.AlertAcknowledged, userID)
}

func (a testAlertActions) AlertResolve(ctx context.Context, connectionID, alertID, userID int64, note string) error {
	return a.set(ctx, connectionID, alertID, store.AlertResolved, userID)
}

func (a testAlertActions) AlertSnooze(ctx context.Context, connectionID, alertID, userID int64, until time.Time) error {
	return a.set(ctx, connectionID, alertID, store.AlertAcknowledged, userID)
}

func (a testAlertActions) AlertDismiss(ctx context.Context, connectionID, alertID, userID int64, note string) error {
	return a.set(ctx, connectionID, alertID, store.AlertDismissed, userID)
}

type testJobs struct {
	mu       sync.Mutex
	ran      []int64
	reloaded int
}

// Reload counts the scheduler reloads a schedule change asks for.
func (j *testJobs) Reload(ctx context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.reloaded++
	return nil
}

func (j *testJobs) RunNow(ctx context.Context, id int64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ran = append(j.ran, id)
	return nil
}

type testOdoo struct{ err error }

func (o testOdoo) TestConnection(ctx context.Context, id int64) (*ConnectionReport, error) {
	if o.err != nil {
		return nil, o.err
	}
	return &ConnectionReport{ServerVersion: "17.0", Protocol: "jsonrpc", User: "aicoo@acme", Modules: []string{"account", "sale"}, Latency: 12 * time.Millisecond}, nil
}

// fixture is a server with one user per role (signed in through a session
// token made directly in the store), a finance and a sales alert, a finance
// job with a result, and the optional dependencies wired to test doubles.
type fixture struct {
	srv    *httptest.Server
	store  *store.Store
	conn   *store.Connection
	tokens map[string]string // role -> session token
	users  map[string]*store.User
	jobs   *testJobs
	broker *Broker
	server *Server
	alerts map[string]int64 // area -> alert id
	jobIDs map[string]int64 // area -> job id
	// briefings maps a role to its user's briefing of today; actionIDs an
	// action type to a pending action; ruleID is an alert rule.
	briefings map[string]int64
	actionIDs map[string]int64
	ruleID    int64
	// spareRules are two more org-wide rules, deleted by the matrix.
	spareRules [2]int64
	actions    *testActions
	rules      *testRules
	// targetID is a user with no session, whom the user management
	// routes change; channels and impact are the test doubles wired in.
	targetID int64
	channels *testChannels
	impact   *testImpact
	finished func()
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme", OdooURL: "https://acme.odoo.com", OdooDatabase: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: s, conn: conn, tokens: map[string]string{}, users: map[string]*store.User{}, jobs: &testJobs{},
		alerts: map[string]int64{}, jobIDs: map[string]int64{}}
	now := time.Now()
	for _, role := range []string{store.RoleAdmin, store.RoleCEO, store.RoleCFO, store.RoleSales, store.RoleOps, store.RoleViewer} {
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: role + "-user", Role: role})
		if err != nil {
			t.Fatal(err)
		}
		tok := auth.NewToken()
		if err := s.SessionCreate(ctx, store.Session{TokenHash: auth.TokenHash(tok), ConnectionID: conn.ID, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		f.tokens[role], f.users[role] = tok, u
	}
	for _, area := range []string{"finance", "sales"} {
		j, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: conn.ID, Name: area, Schedule: "@hourly", AnalyzerType: "analysis." + area, Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		f.jobIDs[area] = j.ID
		name := area + ".cash.position"
		if area == "sales" {
			name = "sales.pipeline.weighted_revenue"
		}
		metrics := map[string]analysis.Metric{name: {Name: name, Value: 1234, Unit: "EUR", Available: true,
			Refs: []analysis.Ref{{Model: "account.move", IDs: []int64{7, 8}, URL: "https://acme.odoo.com/web#id=7&model=account.move&view_type=form"}}}}
		if area == "finance" {
			// A per-record figure, for the pages of one customer's part.
			metrics["finance.ar.partner.3.overdue"] = analysis.Metric{Name: "finance.ar.partner.3.overdue", Value: 600, Unit: "EUR", Available: true,
				Refs: []analysis.Ref{{Model: "res.partner", IDs: []int64{3}}}}
		}
		m, _ := json.Marshal(metrics)
		ins, _ := json.Marshal([]analysis.Insight{{Kind: "k", Priority: "high", Title: "Finding <b>" + area + "</b>", Subject: "x:1",
			Refs: []analysis.Ref{{Model: "res.partner", IDs: []int64{3}, URL: "javascript:alert(1)"}}}})
		at := now.Add(-time.Minute).UTC().Truncate(time.Second)
		if _, _, err := s.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: conn.ID, JobID: j.ID, ScheduledAt: at, RunAt: at, Status: store.ResultSuccess, Metrics: m, Insights: ins}); err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(map[string]any{"refs": []analysis.Ref{{Model: "account.move", IDs: []int64{7}, URL: "https://acme.odoo.com/web#id=7&model=account.move&view_type=form"}}})
		a, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: conn.ID, Fingerprint: "fp-" + area, Type: area, Priority: store.PriorityHigh,
			Title: area + " alert <script>alert(1)</script>", Description: "described", Data: data})
		if err != nil {
			t.Fatal(err)
		}
		f.alerts[area] = a.ID
	}
	if err := f.seedPages(ctx, now); err != nil {
		t.Fatal(err)
	}
	target, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "target", Role: store.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	f.targetID = target.ID
	cfg.Store = s
	cfg.Version = "test"
	if cfg.Actions == nil {
		f.actions = &testActions{s: s}
		cfg.Actions = f.actions
	}
	if cfg.Rules == nil {
		f.rules = &testRules{s: s}
		cfg.Rules = f.rules
	}
	if cfg.CashPlan == nil {
		cfg.CashPlan = &testCashPlan{t: t}
	}
	if cfg.AlertActions == nil {
		cfg.AlertActions = testAlertActions{s}
	}
	if cfg.Jobs == nil {
		cfg.Jobs = f.jobs
	}
	if cfg.Odoo == nil {
		cfg.Odoo = testOdoo{}
	}
	if cfg.HashPasswordFunc == nil {
		cfg.HashPasswordFunc = quickHash
	}
	if cfg.Channels == nil {
		f.channels = &testChannels{}
		cfg.Channels = f.channels
	}
	if cfg.Impact == nil {
		f.impact = &testImpact{}
		cfg.Impact = f.impact
	}
	if cfg.Ask == nil {
		cfg.Ask = newAsker(t, s, &scriptModel{enabled: true})
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.server, f.broker = srv, srv.cfg.Broker
	f.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(func() { srv.CloseStreams(); f.srv.Close() })
	return f
}

// do sends a request as role ("" for anonymous), without following
// redirects.
func (f *fixture) do(t *testing.T, role, method, path, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.tokens[role]})
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestPermissionMatrix checks every role against every route and method:
// allowed combinations succeed, the others answer 403 (401 or a redirect to
// the login page when anonymous).
func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	const (
		all      = "admin ceo cfo sales ops viewer"
		finance  = "admin ceo cfo viewer"
		sales    = "admin ceo cfo sales viewer"
		actFin   = "admin ceo cfo"
		actSales = "admin ceo cfo sales"
		runFin   = "admin ceo cfo"
		admin    = "admin"
		rules    = "admin ceo cfo viewer"
		// rulesEdit write their own rules; org-wide ones are the admins'.
		rulesEdit = "admin ceo cfo"
		decide    = "admin ceo cfo sales ops"
	)
	pr, dm := f.actionIDs["payment_reminder"], f.actionIDs["deal_meeting"]
	fa, sa := f.alerts["finance"], f.alerts["sales"]
	fj, sj := f.jobIDs["finance"], f.jobIDs["sales"]
	tu := f.targetID
	// Two tokens of a user without a session, revoked by the page and the
	// API (not the target user: resetting its password revokes its tokens).
	target, err := f.store.UserCreate(context.Background(), store.UserCreateParams{ConnectionID: f.conn.ID, Username: "token-owner", Role: store.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	var pageTok, apiTok int64
	for _, id := range []*int64{&pageTok, &apiTok} {
		_, tok, err := CreateAPIToken(context.Background(), f.store, target, fmt.Sprintf("matrix-%p", id), 0, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		*id = tok.ID
	}
	cases := []struct {
		method, path string
		allowed      string
	}{
		{"GET", "/", all},
		{"GET", "/alerts", all},
		{"GET", fmt.Sprintf("/alerts/%d", fa), finance},
		{"GET", fmt.Sprintf("/alerts/%d", sa), sales},
		{"POST", fmt.Sprintf("/alerts/%d/acknowledge", fa), actFin},
		{"POST", fmt.Sprintf("/alerts/%d/acknowledge", sa), actSales},
		{"POST", fmt.Sprintf("/alerts/%d/snooze", sa), actSales},
		{"POST", fmt.Sprintf("/alerts/%d/resolve", sa), actSales},
		{"POST", fmt.Sprintf("/alerts/%d/snooze", fa), actFin},
		{"POST", fmt.Sprintf("/alerts/%d/resolve", fa), actFin},
		{"POST", fmt.Sprintf("/alerts/%d/dismiss", fa), actFin},
		{"POST", "/alerts/acknowledge", decide},
		{"POST", "/api/v1/alerts/acknowledge", decide},
		{"GET", "/operations", admin},
		{"GET", "/jobs", all},
		{"GET", fmt.Sprintf("/jobs/%d", fj), finance},
		{"POST", fmt.Sprintf("/jobs/%d/run", fj), runFin},
		{"POST", fmt.Sprintf("/jobs/%d/run", sj), "admin ceo cfo"},
		{"POST", fmt.Sprintf("/jobs/%d/schedule", fj), admin},
		{"GET", "/analytics", all},
		{"GET", "/analytics/finance", finance},
		{"GET", "/analytics/sales", sales},
		{"GET", "/analytics/finance/metrics/finance.cash.position", finance},
		{"GET", "/analytics/finance/cash", finance},
		{"GET", "/analytics/finance/overdue-receivables/3", finance},
		{"GET", "/forecast", finance},
		{"GET", "/forecast/scenarios/new", actFin},
		{"POST", "/forecast/scenarios", actFin},
		{"GET", "/forecast/scenarios/1/edit", actFin},
		{"POST", "/forecast/scenarios/1", actFin},
		{"POST", "/forecast/scenarios/2/delete", actFin},
		{"POST", "/forecast/flows/partner:1/off", actFin},
		{"POST", "/forecast/flows/partner:1/on", actFin},
		{"GET", "/api/v1/forecast", finance},
		{"GET", "/api/v1/forecast/scenarios", finance},
		{"POST", "/api/v1/forecast/scenarios", actFin},
		{"POST", "/api/v1/forecast/scenarios/preview", actFin},
		{"GET", "/api/v1/forecast/scenarios/1", finance},
		{"POST", "/api/v1/forecast/scenarios/1", actFin},
		{"DELETE", "/api/v1/forecast/scenarios/3", actFin},
		{"POST", "/api/v1/forecast/flows/partner:1/off", actFin},
		{"POST", "/api/v1/forecast/flows/partner:1/on", actFin},
		{"GET", "/briefings", all},
		{"GET", fmt.Sprintf("/briefings/%d", f.briefings["admin"]), admin},
		{"GET", fmt.Sprintf("/briefings/%d", f.briefings["sales"]), "sales"},
		{"GET", "/rules", rules},
		{"GET", fmt.Sprintf("/rules/%d/test", f.ruleID), rules},
		{"POST", fmt.Sprintf("/rules/%d/enable", f.ruleID), admin},
		{"POST", fmt.Sprintf("/rules/%d/disable", f.ruleID), admin},
		{"GET", "/rules/new", rulesEdit},
		{"POST", "/rules", rulesEdit},
		{"GET", fmt.Sprintf("/rules/%d/edit", f.ruleID), admin},
		{"POST", fmt.Sprintf("/rules/%d", f.ruleID), admin},
		{"POST", fmt.Sprintf("/rules/%d/delete", f.spareRules[0]), admin},
		{"GET", "/actions", all},
		{"GET", "/actions?status=all", all},
		{"GET", "/search?q=inv", all},
		{"POST", fmt.Sprintf("/actions/%d/approve", pr), actFin},
		{"POST", fmt.Sprintf("/actions/%d/reject", pr), actFin},
		{"POST", fmt.Sprintf("/actions/%d/rollback", pr), actFin},
		{"POST", fmt.Sprintf("/actions/%d/approve", dm), "admin ceo sales"},
		{"POST", "/actions/approve-similar", decide},
		{"POST", "/actions/policies", admin},
		{"GET", "/settings", admin},
		{"POST", "/settings/test", admin},
		{"POST", "/settings/channels/email/test", admin},
		{"GET", "/settings/users", admin},
		{"GET", "/settings/escalation", admin},
		{"POST", "/settings/escalation", admin},
		{"POST", "/settings/escalation/1", admin},
		{"POST", "/settings/escalation/2/delete", admin},
		{"GET", "/settings/thresholds", all},
		{"GET", "/account/tokens", all},
		{"POST", "/account/tokens", all},
		{"GET", "/notifications", all},
		{"GET", "/account/notifications", all},
		{"POST", "/account/notifications", all},
		{"POST", "/account/notifications/test/inapp", all},
		{"POST", "/notifications/read-all", all},
		{"POST", "/notifications/1/read", all},
		{"POST", fmt.Sprintf("/account/tokens/%d/revoke", pageTok), admin},
		{"POST", "/settings/thresholds/finance.overdue_days", "admin cfo"},
		{"POST", "/settings/thresholds/sales.stall_factor", "admin sales"},
		{"POST", "/settings/thresholds/operations.task_stage_days", "admin ops"},
		{"POST", "/settings/users", admin},
		{"POST", fmt.Sprintf("/settings/users/%d/role", tu), admin},
		{"POST", fmt.Sprintf("/settings/users/%d/disable", tu), admin},
		{"POST", fmt.Sprintf("/settings/users/%d/enable", tu), admin},
		{"POST", fmt.Sprintf("/settings/users/%d/password", tu), admin},
		{"POST", fmt.Sprintf("/settings/users/%d/phone", tu), admin},

		{"GET", "/ask", all},
		{"POST", "/ask", all},
		{"POST", "/api/v1/ask", all},
		{"GET", "/api/v1/threads", all},

		{"GET", "/api/v1/me", all},
		{"GET", "/api/v1/overview", all},
		{"GET", "/api/v1/alerts", all},
		{"GET", "/api/v1/alerts?format=csv", all},
		{"GET", fmt.Sprintf("/api/v1/alerts/%d", fa), finance},
		{"GET", fmt.Sprintf("/api/v1/alerts/%d", sa), sales},
		{"POST", fmt.Sprintf("/api/v1/alerts/%d/acknowledge", fa), actFin},
		{"POST", fmt.Sprintf("/api/v1/alerts/%d/acknowledge", sa), actSales},
		{"POST", fmt.Sprintf("/api/v1/alerts/%d/snooze", fa), actFin},
		{"POST", fmt.Sprintf("/api/v1/alerts/%d/resolve", fa), actFin},
		{"GET", "/api/v1/jobs", all},
		{"GET", fmt.Sprintf("/api/v1/jobs/%d/runs", fj), finance},
		{"POST", fmt.Sprintf("/api/v1/jobs/%d/run", fj), runFin},
		{"POST", fmt.Sprintf("/api/v1/jobs/%d/schedule", fj), admin},
		{"GET", "/api/v1/analysis", all},
		{"GET", "/api/v1/analysis/finance", finance},
		{"GET", "/api/v1/analysis/sales", sales},
		{"GET", "/api/v1/analysis/finance/metrics/finance.cash.position", finance},
		{"GET", "/api/v1/sync", all},
		{"GET", "/api/v1/search?q=inv", all},
		{"GET", "/api/v1/analytics/usage", all},
		{"GET", "/api/v1/analytics/usage?format=csv", all},
		{"GET", "/api/v1/analytics/jobs", all},
		{"GET", "/api/v1/analytics/alerts", all},
		{"GET", "/api/v1/analytics/impact", all},
		{"GET", "/api/v1/briefings", all},
		{"GET", "/api/v1/briefings/today", all},
		{"GET", fmt.Sprintf("/api/v1/briefings/%d", f.briefings["admin"]), admin},
		{"GET", fmt.Sprintf("/api/v1/briefings/%d", f.briefings["ops"]), "ops"},
		{"POST", fmt.Sprintf("/api/v1/briefings/%d/read", f.briefings["admin"]), admin},
		{"GET", "/api/v1/rules", rules},
		{"POST", fmt.Sprintf("/api/v1/rules/%d/test", f.ruleID), rules},
		{"POST", fmt.Sprintf("/api/v1/rules/%d/enable", f.ruleID), admin},
		{"POST", fmt.Sprintf("/api/v1/rules/%d/disable", f.ruleID), admin},
		{"POST", "/api/v1/rules", rulesEdit},
		{"POST", "/api/v1/rules/test", rulesEdit},
		{"POST", fmt.Sprintf("/api/v1/rules/%d", f.ruleID), admin},
		{"DELETE", fmt.Sprintf("/api/v1/rules/%d", f.spareRules[1]), admin},
		{"GET", "/api/v1/actions", all},
		{"GET", "/api/v1/actions/policies", all},
		{"POST", "/api/v1/actions/policies", admin},
		{"POST", "/api/v1/actions/approve-similar", decide},
		{"GET", fmt.Sprintf("/api/v1/actions/%d", pr), "admin ceo cfo viewer"},
		{"GET", fmt.Sprintf("/api/v1/actions/%d", dm), "admin ceo cfo sales viewer"},
		{"POST", fmt.Sprintf("/api/v1/actions/%d/approve", pr), actFin},
		{"POST", fmt.Sprintf("/api/v1/actions/%d/reject", pr), actFin},
		{"POST", fmt.Sprintf("/api/v1/actions/%d/rollback", pr), actFin},
		{"POST", fmt.Sprintf("/api/v1/actions/%d/approve", dm), "admin ceo sales"},
		{"POST", fmt.Sprintf("/api/v1/actions/%d/reject", dm), "admin ceo sales"},
		{"GET", "/api/v1/settings/connection", admin},
		{"POST", "/api/v1/settings/connection/test", admin},
		{"GET", "/api/v1/settings/channels", admin},
		{"POST", "/api/v1/settings/channels/email/test", admin},
		{"GET", "/api/v1/users", admin},
		{"GET", "/api/v1/escalation-policies", admin},
		{"POST", "/api/v1/escalation-policies", admin},
		{"POST", "/api/v1/escalation-policies/1", admin},
		{"DELETE", "/api/v1/escalation-policies/3", admin},
		{"GET", "/api/v1/settings/thresholds", all},
		{"GET", "/api/v1/tokens", all},
		{"POST", "/api/v1/tokens", all},
		{"GET", "/api/v1/notifications", all},
		{"GET", "/api/v1/me/notifications", all},
		{"POST", "/api/v1/me/notifications", all},
		{"POST", "/api/v1/notifications/read-all", all},
		{"POST", "/api/v1/notifications/1/read", all},
		{"POST", fmt.Sprintf("/api/v1/tokens/%d/revoke", apiTok), admin},
		{"POST", "/api/v1/settings/thresholds/finance.overdue_days", "admin cfo"},
		{"POST", "/api/v1/settings/thresholds/finance.overdue_days/preview", "admin cfo"},
		{"POST", "/api/v1/settings/thresholds/finance.overdue_days/reset", "admin cfo"},
		{"POST", "/api/v1/settings/thresholds/customers.churn_factor", "admin sales"},
		{"POST", "/api/v1/users", admin},
		{"POST", fmt.Sprintf("/api/v1/users/%d/role", tu), admin},
		{"POST", fmt.Sprintf("/api/v1/users/%d/disable", tu), admin},
		{"POST", fmt.Sprintf("/api/v1/users/%d/enable", tu), admin},
		{"POST", fmt.Sprintf("/api/v1/users/%d/password", tu), admin},
		{"POST", fmt.Sprintf("/api/v1/users/%d/phone", tu), admin},
		// Methods no route accepts are refused for everyone.
		{"DELETE", fmt.Sprintf("/api/v1/alerts/%d", fa), ""},
		{"PUT", "/api/v1/settings/connection", ""},
		{"DELETE", fmt.Sprintf("/api/v1/users/%d", tu), ""},
		{"GET", fmt.Sprintf("/api/v1/alerts/%d/acknowledge", fa), ""},
	}
	// A synced model, so that threshold previews can run the analysis.
	if err := f.store.OdooSyncStatePut(context.Background(), &store.OdooSyncState{ConnectionID: f.conn.ID, Model: "account.move", Status: store.OdooSyncOK}); err != nil {
		t.Fatal(err)
	}
	for _, area := range []string{"operations", "customers"} {
		if _, err := f.store.MonitoringJobCreate(context.Background(), store.MonitoringJobParams{ConnectionID: f.conn.ID, Name: area, Schedule: "@hourly",
			AnalyzerType: "analysis." + area, Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	// Every guarded route appears in the matrix.
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.method+" "+c.path] = true
	}
	for _, rt := range f.server.routes() {
		p := rt.path()
		p = strings.NewReplacer("/alerts/1", fmt.Sprintf("/alerts/%d", fa), "/jobs/1", fmt.Sprintf("/jobs/%d", fj),
			"/briefings/1", fmt.Sprintf("/briefings/%d", f.briefings["admin"]), "/rules/1", fmt.Sprintf("/rules/%d", f.ruleID),
			"/rules/2", fmt.Sprintf("/rules/%d", f.spareRules[0]), "/rules/3", fmt.Sprintf("/rules/%d", f.spareRules[1]),
			"/actions/1", fmt.Sprintf("/actions/%d", pr), "/users/1", fmt.Sprintf("/users/%d", tu),
			"/api/v1/tokens/1", fmt.Sprintf("/api/v1/tokens/%d", apiTok), "/account/tokens/1", fmt.Sprintf("/account/tokens/%d", pageTok)).Replace(strings.TrimSuffix(p, "{$}"))
		if p == "" {
			p = "/"
		}
		if rt.pattern == "/api/v1/events" {
			continue // a stream; covered by TestLiveEvents
		}
		if strings.Contains(rt.pattern, "threads/{id}") {
			continue // a user's own threads only; covered by TestAskAPI and TestAskPage
		}
		if !covered[rt.method+" "+p] {
			t.Errorf("route %s %s is missing from the permission matrix", rt.method, p)
		}
	}
	// Bodies by path suffix: the JSON body for the API, the form for pages.
	bodies := map[string][2]string{
		"/snooze":              {`{"minutes": 30}`, "minutes=30"},
		"/dismiss":             {"", "note=not+a+problem"},
		"/alerts/acknowledge":  {fmt.Sprintf(`{"ids": [%d, %d]}`, fa, sa), fmt.Sprintf("id=%d&id=%d", fa, sa)},
		"/reject":              {`{"reason": "not now"}`, "reason=not+now"},
		"/approve-similar":     {`{"group": "payment_reminder:kind"}`, "group=payment_reminder%3Akind"},
		"/policies":            {`{"type": "chatter_note", "mode": "approve"}`, "type=chatter_note&mode=approve"},
		"/channels/email/test": {`{"recipient": "ops@example.com"}`, "recipient=ops%40example.com"},
		"/users": {`{"username": "matrix-api", "role": "viewer", "password": "correct horse battery"}`,
			"username=matrix-page&role=viewer&password=correct+horse+battery&password2=correct+horse+battery"},
		"/role":     {`{"role": "ops"}`, "role=ops"},
		"/password": {`{"password": "another long password"}`, "password=another+long+password"},
		"/phone":    {`{"phone": "+32470123456"}`, "phone=%2B32470123456"},
		"/tokens":   {`{"name": "matrix-api", "expires_in_days": 30}`, "name=matrix-page&days=30"},
		"/schedule": {`{"schedule": "@every 2h"}`, "schedule=%40every+2h&enabled=on"},
		// Thresholds: a valid value of each key the matrix sends.
		"/finance.overdue_days":       {`{"value": 45}`, "value=45&action=save"},
		"/preview":                    {`{"value": 45}`, ""},
		"/sales.stall_factor":         {"", "value=2&action=preview"},
		"/operations.task_stage_days": {"", "value=10&action=save"},
		"/customers.churn_factor":     {`{"value": 4}`, ""},
		"/ask":                        {`{"question": "How much cash?"}`, "question=How+much+cash%3F"},
	}
	for _, c := range cases {
		roles := []string{"", store.RoleAdmin, store.RoleCEO, store.RoleCFO, store.RoleSales, store.RoleOps, store.RoleViewer}
		if c.method == "DELETE" || strings.HasSuffix(c.path, "/delete") {
			// The admin deletes last, so the others meet the record.
			roles = []string{"", store.RoleCEO, store.RoleCFO, store.RoleSales, store.RoleOps, store.RoleViewer, store.RoleAdmin}
		}
		for _, role := range roles {
			b, form := "", ""
			for suffix, bb := range bodies {
				if c.method == "POST" && strings.HasSuffix(c.path, suffix) {
					if strings.HasPrefix(c.path, "/api/") {
						b = bb[0]
					} else {
						form = bb[1]
					}
				}
			}
			// Rules: a valid rule; created under a name of the role's, tested
			// (not saved) from the page form, org-wide when changing the
			// fixture's org-wide rule.
			const ruleForm = "name=matrix&source=metric&expression=finance.cash.runway_days+%3C+threshold&threshold=30&priority=high&do=test"
			const ruleJSON = `{"name": %q, "source": "metric", "expression": "finance.cash.runway_days < threshold", "threshold": 30, "priority": "high", "scope": %q}`
			// Forecast scenarios: a valid one, under a name of the role's
			// when created.
			const scenarioForm = "name=matrix+%s&min_cash=1000&kind0=hire&amount0=4000&date0=2025-07-15"
			const scenarioJSON = `{"name": %q, "min_cash": 1000, "changes": [{"kind": "hire", "amount": 4000, "date": "2025-07-15"}]}`
			// Escalation policies: one step to the CFOs.
			switch {
			case c.method == "POST" && strings.HasPrefix(c.path, "/settings/escalation") && !strings.HasSuffix(c.path, "/delete"):
				form = "name=matrix+ladder+" + strings.ReplaceAll(c.path, "/", "+") + "&repeat=0&roles0=cfo&minutes0=30"
			case c.method == "POST" && strings.HasPrefix(c.path, "/api/v1/escalation-policies"):
				b = `{"name": "matrix ladder ` + c.path + `", "levels": [{"roles": ["cfo"], "wait_minutes": 30}]}`
			}
			switch {
			case c.method == "POST" && c.path == "/forecast/scenarios":
				form = fmt.Sprintf(scenarioForm, role)
			case c.method == "POST" && c.path == "/forecast/scenarios/1":
				form = fmt.Sprintf(scenarioForm, "update")
			case c.method == "POST" && (c.path == "/api/v1/forecast/scenarios" || c.path == "/api/v1/forecast/scenarios/preview"):
				b = fmt.Sprintf(scenarioJSON, "matrix api "+role)
			case c.method == "POST" && c.path == "/api/v1/forecast/scenarios/1":
				b = fmt.Sprintf(scenarioJSON, "matrix api update")
			}
			switch {
			case c.method == "POST" && (c.path == "/rules" || c.path == fmt.Sprintf("/rules/%d", f.ruleID)):
				form = ruleForm
			case c.method == "POST" && (c.path == "/api/v1/rules" || c.path == "/api/v1/rules/test"):
				b = fmt.Sprintf(ruleJSON, "matrix "+role, "mine")
			case c.method == "POST" && c.path == fmt.Sprintf("/api/v1/rules/%d", f.ruleID):
				b = fmt.Sprintf(ruleJSON, "Thin cash", "org")
			}
			var resp *http.Response
			if form != "" {
				req, _ := http.NewRequest(c.method, f.srv.URL+c.path, strings.NewReader(form))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if role != "" {
					req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.tokens[role]})
				}
				var err error
				resp, err = (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
			} else {
				resp = f.do(t, role, c.method, c.path, b)
			}
			resp.Body.Close()
			allowed := role != "" && strings.Contains(" "+c.allowed+" ", " "+role+" ")
			api := strings.HasPrefix(c.path, "/api/")
			switch {
			case c.allowed == "":
				if resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s as %q: %d, want 404 or 405", c.method, c.path, role, resp.StatusCode)
				}
			case role == "" && api:
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s %s anonymous: %d, want 401", c.method, c.path, resp.StatusCode)
				}
			case role == "":
				if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
					t.Errorf("%s %s anonymous: %d %s, want a redirect to /login", c.method, c.path, resp.StatusCode, resp.Header.Get("Location"))
				}
			case allowed:
				if resp.StatusCode >= 400 {
					t.Errorf("%s %s as %s: %d, want success", c.method, c.path, role, resp.StatusCode)
				}
			default:
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s as %s: %d, want 403", c.method, c.path, role, resp.StatusCode)
				}
			}
		}
	}
}

// newServer serves srv for the test and returns its URL.
func newServer(t *testing.T, srv *Server) string {
	t.Helper()
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { srv.CloseStreams(); ts.Close() })
	return ts.URL
}
