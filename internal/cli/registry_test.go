package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/briefing"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/pipeline"
	"github.com/aicoo/aicoo/internal/search"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/web"
)

// The registrations below exist only in this file: an analysis area with
// its catalogue entry, a notification channel and an action type. The test
// wires them the way the app wires the built-in ones (a catalogue, a
// channel registry and action kinds built at start and handed to the
// parts) and shows that each appears where people meet its kind, with no
// edit to any other package.

// fleet is a fake analyzer: one figure and one finding, seen by the ops
// role only.
type fleet struct{}

func (fleet) Area() string { return "fleet" }

func (fleet) Analyze(context.Context, *analysis.Env) (*analysis.Result, error) {
	return &analysis.Result{Area: "fleet",
		Metrics:  []analysis.Metric{{Name: "fleet.trucks.idle", Value: 3, Unit: "count", Available: true}},
		Insights: []analysis.Insight{{Kind: "truck_idle", Priority: store.PriorityHigh, Title: "Truck 7 idle for 9 days", Subject: "fleet.vehicle:7", Score: 1}},
	}, nil
}

func (fleet) Catalogue() analysis.AreaInfo {
	return analysis.AreaInfo{Area: "fleet", Label: "Fleet", Roles: []string{store.RoleOps},
		Metrics:      []analysis.MetricInfo{{Name: "fleet.trucks.idle", Unit: "count", Label: "Idle trucks", Good: "down"}},
		InsightKinds: []analysis.InsightKindInfo{{Kind: "truck_idle", Label: "Idle truck"}}}
}

// loft is a fake channel: it keeps what it is sent.
type loft struct {
	mu   sync.Mutex
	sent []*store.Notification
}

func (*loft) Name() string     { return "pigeon" }
func (*loft) Idempotent() bool { return false }

func (*loft) ValidateRecipient(r string) error {
	if !strings.HasPrefix(r, "loft:") {
		return fmt.Errorf("pigeon recipient %q is not loft:<name>", r)
	}
	return nil
}

func (l *loft) Send(_ context.Context, n *store.Notification) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent = append(l.sent, n)
	return nil
}

func (l *loft) Sent() []*store.Notification {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*store.Notification(nil), l.sent...)
}

// pigeonKind registers the loft as a personal channel: each person at the
// loft named after them.
func pigeonKind(l *loft) notify.Kind {
	return notify.Kind{Name: "pigeon", Label: "Carrier pigeon", Personal: true, Settings: "a loft", RecipientHint: "loft:<name>",
		AddressLabel: "loft",
		Address: func(_ int64, user func() (*store.User, error)) (string, error) {
			u, err := user()
			if err != nil {
				return "", err
			}
			return "loft:" + u.Username, nil
		},
		Build: func(*config.Config, notify.Deps) (*notify.Built, error) {
			return &notify.Built{Channel: l, Detail: "the test's pigeon loft"}, nil
		},
	}
}

// truckService is a fake action type: ops may approve it; it is never
// executed here.
type truckService struct{}

func (truckService) Info() actions.TypeInfo {
	return actions.TypeInfo{Type: "truck_service", Label: "Book a truck service", Model: "fleet.vehicle.log.services",
		Operation: "creates a service entry on the vehicle", Inverse: "deletes the service entry", Ceiling: actions.ModeApprove,
		Default: actions.Policy{Mode: actions.ModeApprove}, Roles: []string{store.RoleAdmin, store.RoleOps}}
}

func (truckService) Validate(p *actions.Params) error {
	if p.Model != "fleet.vehicle" || p.ResID <= 0 {
		return errors.New("missing the vehicle")
	}
	return nil
}

func (truckService) Execute(context.Context, actions.Odoo, *actions.Params, string) (int64, error) {
	return 0, errors.New("truck services are not executed in this test")
}

func (truckService) MarkerDomain(_ *actions.Params, mark string) domain.Domain {
	return domain.Cond("description", domain.OpLike, mark)
}

func (truckService) RecordFields() []string { return []string{"description"} }

func (truckService) Stale(context.Context, actions.Odoo, *actions.Params) (string, error) {
	return "", nil
}

func (truckService) Blocked(_ *store.Action, rec odoo.Record) string {
	if rec == nil {
		return "the service entry no longer exists"
	}
	return ""
}

func (truckService) Rollback(context.Context, actions.Odoo, *store.Action) error {
	return errors.New("truck services are not rolled back in this test")
}

// TestFakeRegistrations: an area, a channel and an action type declared
// in this file appear in the rules, the permissions, the dashboard's pages
// and API, personal preferences, the channel settings, the action
// policies, the ask tools, the search and the briefings.
func TestFakeRegistrations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Now().UTC()
	_, s, conn := opsStore(t, []string{"root", "olga"}, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		if _, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "sam", Role: store.RoleSales, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
	})

	// The three registries, built once as the app builds its own.
	cat := analysis.NewCatalogue(append(areas.Analyzers(), fleet{})...)
	pigeons := &loft{}
	cfg := config.Default()
	chans, err := notify.NewRegistry(&cfg, notify.Deps{}, append(notify.BuiltinKinds(), pigeonKind(pigeons))...)
	if err != nil {
		t.Fatal(err)
	}
	kinds, err := actions.NewKinds(truckService{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := actions.New(actions.Config{Store: s, Kinds: kinds, OdooFunc: func(context.Context, int64) (actions.Odoo, error) {
		return nil, errors.New("no Odoo in this test")
	}})
	if err != nil {
		t.Fatal(err)
	}
	eng := alerts.New(s, alerts.Config{Catalogue: cat, Channels: chans, Now: func() time.Time { return now }})
	ob, err := notify.NewOutbox(notify.OutboxConfig{Inserter: recordingInserter{}})
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: &cfg, store: s, outbox: ob, channels: chans, now: time.Now, cat: cat, kinds: kinds, actions: svc}
	dash, err := web.New(web.Config{Store: s, Catalogue: cat, ChannelKinds: chans, ActionKinds: kinds, Rules: eng, Actions: svc,
		Channels: channelTester{a}, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(dash.Handler())
	t.Cleanup(srv.Close)
	cookies := map[string]string{}
	for _, name := range []string{"root", "olga", "sam"} {
		u, err := s.UserByUsername(ctx, conn.ID, name)
		if err != nil {
			t.Fatal(err)
		}
		tok := auth.NewToken()
		if err := s.SessionCreate(ctx, store.Session{TokenHash: auth.TokenHash(tok), ConnectionID: conn.ID, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		cookies[name] = tok
	}
	do := func(user, method, path, contentType, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.AddCookie(&http.Cookie{Name: "aicoo_session", Value: cookies[user]})
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	expect := func(what string, code int, body string, wantCode int, want ...string) {
		t.Helper()
		if code != wantCode {
			t.Errorf("%s: status %d, want %d: %.300s", what, code, wantCode, body)
			return
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %q in %.2000s", what, w, body)
			}
		}
	}
	const form, jsonType = "application/x-www-form-urlencoded", "application/json"

	// The area: the pipeline schedules its analysis, whose result is
	// stored as the job engine stores it and evaluated by the rules.
	var job *store.MonitoringJob
	for _, d := range pipeline.DefaultJobs([]analysis.Analyzer{fleet{}}) {
		d.ConnectionID, d.Enabled = conn.ID, true
		j, _, err := s.MonitoringJobEnsure(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if j.AnalyzerType == analysis.JobTypePrefix+"fleet" {
			job = j
		}
	}
	if job == nil {
		t.Fatal("the pipeline schedules no fleet analysis")
	}
	if _, err := alerts.Compile(alerts.RuleSpec{Name: "idle", Source: store.RuleSourceInsight, InsightKind: "truck_idle", Priority: "high"}); err == nil {
		t.Fatal("the built-in catalogue knows truck_idle: the test proves nothing")
	}
	code, body := do("root", "POST", "/api/v1/rules", jsonType,
		`{"name": "idle trucks", "source": "insight", "insight_kind": "truck_idle", "priority": "high", "channels": ["pigeon"], "scope": "org"}`)
	expect("a rule on the fake area's insight, by the fake channel", code, body, http.StatusCreated, `"pigeon"`)
	code, body = do("root", "POST", "/api/v1/rules", jsonType, `{"name": "by owl", "source": "insight", "insight_kind": "truck_idle", "priority": "high", "channels": ["owl"]}`)
	expect("a rule naming an unregistered channel", code, body, http.StatusUnprocessableEntity, `\"owl\" is not a channel kind`, "pigeon")
	analyzer := pipeline.JobAnalyzer(s, fleet{}, func() time.Time { return now }, nil, func(ctx context.Context, _ *store.MonitoringJob, res *analysis.Result) error {
		_, err := eng.Evaluate(ctx, conn.ID, res)
		return err
	})
	out, err := analyzer.Func(ctx, jobs.Run{Job: job})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: conn.ID, JobID: job.ID, ScheduledAt: now, RunAt: now,
		Status: store.ResultSuccess, Metrics: out.Metrics, Insights: out.Insights}); err != nil {
		t.Fatal(err)
	}
	open, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: conn.ID, OpenOnly: true})
	if err != nil || len(open) != 1 || open[0].Type != "fleet" {
		t.Fatalf("alerts after the fleet analysis: %+v, %v", open, err)
	}

	code, body = do("root", "GET", "/rules/new", "", "")
	expect("rules editor", code, body, http.StatusOK, `value="truck_idle"`, "Idle trucks", "fleet.trucks.idle", `value="pigeon"`, "Carrier pigeon")
	code, body = do("root", "GET", "/settings/escalation", "", "")
	expect("escalation page", code, body, http.StatusOK, `value="pigeon"`, "Carrier pigeon")
	code, body = do("root", "POST", "/api/v1/escalation-policies", jsonType,
		`{"name": "trucks", "levels": [{"roles": ["ops"], "channels": ["pigeon"], "wait_minutes": 15}]}`)
	expect("an escalation step by the fake channel", code, body, http.StatusCreated, `"pigeon"`)
	code, body = do("root", "POST", "/api/v1/escalation-policies", jsonType,
		`{"name": "owls", "levels": [{"roles": ["ops"], "channels": ["owl"], "wait_minutes": 15}]}`)
	expect("an escalation step by an unregistered channel", code, body, http.StatusUnprocessableEntity, `\"owl\" is not a channel kind`)
	code, body = do("olga", "GET", "/analytics/fleet", "", "")
	expect("the area page, for a role the area names", code, body, http.StatusOK, "Fleet", "Idle trucks", "Truck 7 idle for 9 days")
	code, body = do("olga", "GET", "/api/v1/analysis", "", "")
	expect("the area list, for ops", code, body, http.StatusOK, `"area":"fleet"`)
	code, body = do("sam", "GET", "/api/v1/analysis", "", "")
	if expect("the area list, for sales", code, body, http.StatusOK); strings.Contains(body, `"fleet"`) {
		t.Errorf("sales sees the fleet area: %s", body)
	}
	code, body = do("sam", "GET", "/analytics/fleet", "", "")
	expect("the area page, for a role it does not name", code, body, http.StatusForbidden)
	code, body = do("olga", "GET", "/alerts", "", "")
	expect("the alerts page, for ops", code, body, http.StatusOK, "Truck 7 idle for 9 days", "Fleet")
	code, body = do("olga", "GET", "/account/notifications", "", "")
	expect("My notifications", code, body, http.StatusOK, `name="channels" value="pigeon"`, "Carrier pigeon",
		`action="/account/notifications/test/pigeon"`, `name="areas" value="fleet"`)

	// The channel: listed with the channels, tested, and chosen in the
	// preferences.
	code, body = do("root", "GET", "/api/v1/settings/channels", "", "")
	expect("channel settings", code, body, http.StatusOK, `"name":"pigeon","configured":true,"detail":"the test's pigeon loft"`)
	code, body = do("olga", "POST", "/account/notifications/test/pigeon", form, "")
	expect("a test to oneself on the fake channel", code, body, http.StatusOK, "Test sent on Carrier pigeon")
	if sent := pigeons.Sent(); len(sent) != 1 || sent[0].Recipient != "loft:olga" {
		t.Fatalf("the loft received %+v", sent)
	}
	code, body = do("olga", "POST", "/account/notifications", form, url.Values{"channels": {"pigeon"}, "all_areas": {"1"}}.Encode())
	expect("choosing the fake channel", code, body, http.StatusSeeOther)
	olga, err := s.UserByUsername(ctx, conn.ID, "olga")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.NotifyPrefsGet(ctx, olga.ID); err != nil || strings.Join(p.Channels, ",") != "pigeon" {
		t.Fatalf("olga's preferences %+v, %v", p, err)
	}
	// The alert notifier routes the rule's channel to the person's loft.
	if err := s.InSQLTx(ctx, func(sqlTx *sql.Tx, tx *store.Store) error {
		return outboxNotifier{a}.Enqueue(ctx, sqlTx, tx, alerts.Notification{ConnectionID: conn.ID, MessageKey: "alert:fleet", Channel: "pigeon",
			UserID: olga.ID, Priority: "high", Subject: "Truck 7 idle for 9 days"})
	}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.NotificationList(ctx, store.NotificationListParams{ConnectionID: conn.ID, Channel: "pigeon"})
	if err != nil || len(rows) != 1 || rows[0].Recipient != "loft:olga" {
		t.Fatalf("pigeon rows %+v, %v", rows, err)
	}

	// The action type: proposed, listed for the roles that approve it,
	// labelled, and under a policy with its own ceiling.
	if _, _, err := svc.Propose(ctx, conn.ID, actions.Proposal{Type: "truck_service", Subject: "fleet.vehicle:7", Source: "insight:truck_idle",
		InsightKind: "truck_idle", Title: "Book a service for truck 7", Params: actions.Params{Model: "fleet.vehicle", ResID: 7}}); err != nil {
		t.Fatal(err)
	}
	code, body = do("olga", "GET", "/api/v1/actions", "", "")
	expect("the actions API, for a role that approves the type", code, body, http.StatusOK, `"type":"truck_service"`, `"type_label":"Book a truck service"`, `"can_decide":true`)
	code, body = do("sam", "GET", "/api/v1/actions", "", "")
	if expect("the actions API, for sales", code, body, http.StatusOK); strings.Contains(body, "truck_service") {
		t.Errorf("sales sees truck services: %s", body)
	}
	code, body = do("olga", "GET", "/actions", "", "")
	expect("the actions page", code, body, http.StatusOK, "Book a service for truck 7", "Book a truck service")
	code, body = do("root", "GET", "/api/v1/actions/policies", "", "")
	expect("the policies", code, body, http.StatusOK, `"type":"truck_service"`, `"label":"Book a truck service"`, `"ceiling":"approve"`)
	code, body = do("root", "POST", "/api/v1/actions/policies", jsonType, `{"type": "truck_service", "mode": "auto"}`)
	expect("a policy beyond the type's ceiling", code, body, http.StatusBadRequest, `at most \"approve\"`)
	code, body = do("root", "POST", "/api/v1/actions/policies", jsonType, `{"type": "truck_service", "mode": "never"}`)
	expect("a policy within the ceiling", code, body, http.StatusOK)

	// The ask tools and the search, built by the app over its kinds: ops
	// approves truck services and so sees the action; sales does not.
	reg, err := a.newAskRegistry()
	if err != nil {
		t.Fatal(err)
	}
	searcher := newSearchService(a, nil)
	t.Cleanup(searcher.Wait)
	for _, tt := range []struct {
		user string
		sees bool
	}{{"olga", true}, {"sam", false}} {
		u, err := s.UserByUsername(ctx, conn.ID, tt.user)
		if err != nil {
			t.Fatal(err)
		}
		c := ask.Caller{UserID: u.ID, Username: u.Username, Role: u.Role, ConnectionID: conn.ID, Via: "test"}
		out, err := reg.Call(ctx, c, "actions", json.RawMessage(`{"type": "truck_service"}`))
		if err != nil {
			t.Fatalf("the actions tool for %s: %v", tt.user, err)
		}
		data, err := json.Marshal(out.Data)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{`"total":1`, `"type":"truck_service"`, `"type_label":"Book a truck service"`, `"approver_roles":["admin","ops"]`}
		if !tt.sees {
			want = []string{`"total":0`}
		}
		for _, w := range want {
			if !strings.Contains(string(data), w) {
				t.Errorf("the actions tool for %s: no %s in %s", tt.user, w, data)
			}
		}
		res, err := searcher.Search(ctx, search.Query{ConnectionID: conn.ID, Role: u.Role, Text: "truck service"})
		if err != nil {
			t.Fatal(err)
		}
		found := slices.ContainsFunc(res, func(r search.Result) bool {
			return r.Kind == search.KindAction.String() && strings.Contains(r.Label, "Book a service for truck 7")
		})
		if found != tt.sees {
			t.Errorf("the search for %s finds the truck service: %t, want %t (%+v)", tt.user, found, tt.sees, res)
		}
	}
	// propose_action fills the parameters of the built-in types from a
	// record; a registered type is proposed by its own analysis.
	root, err := s.UserByUsername(ctx, conn.ID, "root")
	if err != nil {
		t.Fatal(err)
	}
	_, err = reg.Call(ctx, ask.Caller{UserID: root.ID, Username: "root", Role: root.Role, ConnectionID: conn.ID, Via: "test"}, "propose_action",
		json.RawMessage(`{"type": "truck_service", "target": {"model": "fleet.vehicle", "id": 7}, "reason": "idle for 9 days"}`))
	if err == nil || !strings.Contains(err.Error(), "type must be one of") || strings.Contains(err.Error(), "truck_service,") {
		t.Errorf("propose_action of a truck service: %v", err)
	}

	// The briefing: the CEO covers every area of the app's catalogue, so
	// the fleet finding is among the recommendations; over the built-in
	// catalogue it is not.
	for _, tt := range []struct {
		cat  *analysis.Catalogue
		want bool
	}{{cat, true}, {areas.Catalogue(), false}} {
		g, err := newBriefer(a.cfg, s, tt.cat, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := g.Build(ctx, conn.ID, store.RoleCEO, now)
		if err != nil {
			t.Fatal(err)
		}
		got := slices.ContainsFunc(b.Facts.Recommendations, func(it briefing.Item) bool {
			return it.Area == "fleet" && strings.Contains(it.Text, "Truck 7 idle for 9 days")
		})
		if got != tt.want {
			t.Errorf("the CEO briefing over %d areas recommends the fleet finding: %t, want %t (%+v)", len(tt.cat.Areas()), got, tt.want, b.Facts.Recommendations)
		}
		if tt.want && !strings.Contains(b.Markdown, "Truck 7 idle for 9 days") {
			t.Errorf("the CEO briefing: %s", b.Markdown)
		}
	}
}
