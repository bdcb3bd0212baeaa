package alerts_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// outbox records what the engine enqueues, as a delivery outbox would.
type outbox struct{ got []alerts.Notification }

func (o *outbox) Enqueue(_ context.Context, sqlTx *sql.Tx, _ *store.Store, n alerts.Notification) error {
	if sqlTx == nil {
		return errors.New("no transaction")
	}
	o.got = append(o.got, n)
	return nil
}

func (o *outbox) take() []alerts.Notification { g := o.got; o.got = nil; return g }

type bundle struct {
	s    *store.Store
	e    *alerts.Engine
	clk  *clock
	out  *outbox
	conn int64
	ann  int64
	bob  int64
}

func eachEngine(t *testing.T, fn func(t *testing.T, b *bundle)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			s := storetest.Open(t, d, func(c *store.Config) { c.NowFunc = clk.Now })
			ctx := context.Background()
			c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
			if err != nil {
				t.Fatal(err)
			}
			ann, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "ann", Role: store.RoleCFO})
			if err != nil {
				t.Fatal(err)
			}
			bob, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "bob", Role: store.RoleCEO})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := alerts.EnsureBuiltinRules(ctx, s, c.ID); err != nil {
				t.Fatal(err)
			}
			out := &outbox{}
			e := alerts.New(s, alerts.Config{Notifier: out, Now: clk.Now, BaseURL: "https://coo.example.com"})
			fn(t, &bundle{s: s, e: e, clk: clk, out: out, conn: c.ID, ann: ann.ID, bob: bob.ID})
		})
	}
}

func runway(days float64, prio string) analysis.Insight {
	return analysis.Insight{Kind: "low_cash_runway", Priority: prio, Subject: "res.company:1:cash_runway", CompanyID: 1,
		Title: "Cash covers few days", Facts: map[string]float64{"runway_days": days}}
}

func overdue(id string, days, amount float64, prio string) analysis.Insight {
	return analysis.Insight{Kind: "overdue_invoice", Priority: prio, Subject: "account.move:" + id, Title: "INV " + id,
		Facts: map[string]float64{"days_overdue": days, "amount_residual_signed": amount}}
}

func TestCompileRejectsBadRules(t *testing.T) {
	t.Parallel()
	ok := alerts.RuleSpec{Name: "r", Source: "metric", Expression: "finance.cash.runway_days < threshold", Priority: "high"}
	for _, tc := range []struct {
		name string
		edit func(*alerts.RuleSpec)
		want string
	}{
		{"syntax", func(s *alerts.RuleSpec) { s.Expression = "finance.cash.runway_days <" }, "expression"},
		{"not bool", func(s *alerts.RuleSpec) { s.Expression = "finance.cash.runway_days + 1" }, "expression"},
		{"not a metric", func(s *alerts.RuleSpec) { s.Expression = "runway < 3" }, "not a metric name"},
		{"two areas", func(s *alerts.RuleSpec) { s.Expression = "finance.cash.runway_days < 3 && sales.x.y > 1" }, "one area"},
		{"priority", func(s *alerts.RuleSpec) { s.Priority = "urgent" }, "priority"},
		{"priority type", func(s *alerts.RuleSpec) { s.Priority = "finance.cash.runway_days" }, "priority"},
		{"source", func(s *alerts.RuleSpec) { s.Source = "sql" }, "neither insight nor metric"},
		{"kind", func(s *alerts.RuleSpec) { s.Source, s.InsightKind, s.Expression = "insight", "late_invoice", "" }, "not an insight kind"},
		{"channel", func(s *alerts.RuleSpec) { s.Channels = []string{"pager"} }, "not a channel kind"},
		{"channel name", func(s *alerts.RuleSpec) { s.Channels = []string{"odoo_discuss: war-room"} }, "surrounding spaces"},
		{"channel empty name", func(s *alerts.RuleSpec) { s.Channels = []string{"webhook:"} }, "empty name"},
		{"label", func(s *alerts.RuleSpec) { s.Labels = map[string]string{"a-b": "x"} }, "label name"},
		{"empty name", func(s *alerts.RuleSpec) { s.Name = " " }, "name is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := ok
			tc.edit(&sp)
			_, err := alerts.Compile(sp)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
		})
	}
	for _, c := range []string{"odoo_discuss", "odoo_discuss:war-room", "webhook:ops", "sms"} {
		if err := alerts.CheckChannel(c); err != nil {
			t.Errorf("CheckChannel(%q) = %v", c, err)
		}
	}
	if p, err := alerts.Compile(ok); err != nil || p.Area != "finance" || len(p.Metrics) != 1 {
		t.Fatalf("valid rule: %+v %v", p, err)
	}
	for _, b := range alerts.BuiltinRules() {
		if b.Spec.Source == store.RuleSourceAlert {
			continue
		}
		if _, err := alerts.Compile(b.Spec); err != nil {
			t.Errorf("built-in %s: %v", b.Key, err)
		}
	}
}

func TestEvaluateBuiltinRules(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		res := &analysis.Result{Area: "finance", Insights: []analysis.Insight{runway(25, "critical"), overdue("1", 95, 500, "high"),
			overdue("2", 61, 300, "medium"), {Kind: "top_overdue_invoices", Priority: "low", Subject: "x", Title: "top"}}}
		er, err := b.e.Evaluate(ctx, b.conn, res)
		if err != nil || er.Raised != 3 || len(er.Errors) != 0 {
			t.Fatalf("run 1: %+v %v", er, err)
		}
		open, _ := b.s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: b.conn, OpenOnly: true})
		prios := map[string]string{}
		for _, a := range open {
			prios[a.Subject] = a.Priority
		}
		if prios["res.company:1:cash_runway"] != "critical" || prios["account.move:1"] != "high" || prios["account.move:2"] != "medium" {
			t.Fatalf("priorities: %v", prios)
		}
		// Run 2: the same findings raise nothing new; runway 45 is high.
		res.Insights[0] = runway(45, "high")
		if er, err = b.e.Evaluate(ctx, b.conn, res); err != nil || er.Raised != 0 || er.Updated != 3 {
			t.Fatalf("run 2: %+v %v", er, err)
		}
		// Run 3: invoice 2 paid: resolved with a note.
		res.Insights = res.Insights[:2]
		b.clk.Add(time.Hour)
		if er, err = b.e.Evaluate(ctx, b.conn, res); err != nil || er.Resolved != 1 {
			t.Fatalf("run 3: %+v %v", er, err)
		}
		all, _ := b.s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: b.conn, Subject: "account.move:2"})
		if len(all) != 1 || all[0].Status != store.AlertResolved || !strings.Contains(all[0].ResolutionNote, "Condition cleared") {
			t.Fatalf("resolved: %+v", all)
		}
		// Run 4: it is overdue again: a new alert linked to the first.
		res.Insights = append(res.Insights, overdue("2", 70, 300, "medium"))
		if er, err = b.e.Evaluate(ctx, b.conn, res); err != nil || er.Raised != 1 {
			t.Fatalf("run 4: %+v %v", er, err)
		}
		again, _ := b.s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: b.conn, OpenOnly: true, Subject: "account.move:2"})
		if len(again) != 1 || again[0].PreviousAlertID != all[0].ID {
			t.Fatalf("reoccurrence: %+v", again)
		}
		evs, _ := b.s.AlertEventList(ctx, again[0].ID)
		if len(evs) != 1 || evs[0].Action != store.AlertEventReoccurred {
			t.Fatalf("events: %+v", evs)
		}
		// A sales run does not touch finance alerts.
		if er, err = b.e.Evaluate(ctx, b.conn, &analysis.Result{Area: "sales"}); err != nil || er.Resolved != 0 {
			t.Fatalf("sales run: %+v %v", er, err)
		}
	})
}

func TestMetricRulePendingAndTest(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		sp := alerts.RuleSpec{Name: "Thin cash", Source: "metric", Expression: "finance.cash.runway_days < threshold", Threshold: 45,
			Priority: `finance.cash.runway_days < 20 ? "critical" : "high"`, PendingEvaluations: 2, PendingFor: 30 * time.Minute,
			Labels: map[string]string{"team": "finance"}, Enabled: true}
		if _, err := b.e.RuleCreate(ctx, b.conn, alerts.RuleSpec{Name: "bad", Source: "metric", Expression: "finance.cash.runway_days <", Priority: "high"}, alerts.Actor{Username: "olga"}); err == nil {
			t.Fatal("a rule that does not compile must be rejected")
		}
		r, err := b.e.RuleCreate(ctx, b.conn, sp, alerts.Actor{Username: "olga"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.e.RuleCreate(ctx, b.conn, sp, alerts.Actor{Username: "olga"}); err == nil {
			t.Fatal("duplicate name must be rejected")
		}
		res := func(v float64) *analysis.Result {
			return &analysis.Result{Area: "finance", Metrics: []analysis.Metric{
				{Name: "finance.cash.runway_days", Value: v, CompanyID: 1, Available: true},
				{Name: "finance.cash.runway_days", Value: 400, CompanyID: 2, Available: true},
				{Name: "finance.cash.runway_days", CompanyID: 3, Available: false}}}
		}
		er, err := b.e.Evaluate(ctx, b.conn, res(15))
		if err != nil || er.Raised != 0 || er.Pending != 1 || er.NoData != 1 {
			t.Fatalf("eval 1: %+v %v", er, err)
		}
		b.clk.Add(10 * time.Minute)
		if er, _ = b.e.Evaluate(ctx, b.conn, res(15)); er.Raised != 0 || er.Pending != 1 {
			t.Fatalf("eval 2 (duration not reached): %+v", er)
		}
		b.clk.Add(30 * time.Minute)
		if er, _ = b.e.Evaluate(ctx, b.conn, res(15)); er.Raised != 1 {
			t.Fatalf("eval 3: %+v", er)
		}
		open, _ := b.s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: b.conn, OpenOnly: true, RuleID: r.ID})
		if len(open) != 1 || open[0].Priority != "critical" || open[0].Subject != "res.company:1" || open[0].Labels["team"] != "finance" {
			t.Fatalf("alert: %+v", open)
		}
		// Clearing resets the pending period.
		if er, _ = b.e.Evaluate(ctx, b.conn, res(100)); er.Resolved != 1 {
			t.Fatalf("clear: %+v", er)
		}
		if er, _ = b.e.Evaluate(ctx, b.conn, res(15)); er.Raised != 0 || er.Pending != 1 {
			t.Fatalf("pending again: %+v", er)
		}
		if err := b.e.RuleSetEnabled(ctx, b.conn, r.ID, false, alerts.Actor{Username: "olga"}); err != nil {
			t.Fatal(err)
		}
		if er, _ = b.e.Evaluate(ctx, b.conn, res(15)); er.Pending != 0 {
			t.Fatalf("disabled rule evaluated: %+v", er)
		}
		builtins, _ := b.e.RuleList(ctx, b.conn)
		for _, br := range builtins {
			if br.Builtin != "" {
				if err := b.e.RuleDelete(ctx, b.conn, br.ID, alerts.Actor{Username: "olga"}); err == nil {
					t.Fatal("built-in rules cannot be deleted")
				}
				break
			}
		}
	})
}

func TestRuleTestUsesLatestResults(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		j, err := b.s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: b.conn, Name: "finance", Schedule: "@every 1h",
			AnalyzerType: "analysis.finance", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		out, err := analysis.Outcome(&analysis.Result{Area: "finance", Insights: []analysis.Insight{runway(50, "high")},
			Metrics: []analysis.Metric{{Name: "finance.cash.runway_days", Value: 50, CompanyID: 1, Available: true}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.s.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: b.conn, JobID: j.ID,
			ScheduledAt: b.clk.Now(), RunAt: b.clk.Now(), Status: store.ResultSuccess, Insights: out.Insights, Metrics: out.Metrics}); err != nil {
			t.Fatal(err)
		}
		f, err := b.e.RuleTest(ctx, b.conn, alerts.RuleSpec{Name: "t", Source: "metric", Expression: "finance.cash.runway_days < 60", Priority: "high"})
		if err != nil || len(f) != 1 || f[0].Subject != "res.company:1" {
			t.Fatalf("metric test: %+v %v", f, err)
		}
		f, err = b.e.RuleTest(ctx, b.conn, alerts.RuleSpec{Name: "t", Source: "insight", InsightKind: "low_cash_runway",
			Expression: "runway_days < 40", Priority: "insight"})
		if err != nil || len(f) != 0 {
			t.Fatalf("insight test: %+v %v", f, err)
		}
		if open, _ := b.s.AlertList(ctx, store.AlertListParams{ConnectionID: b.conn, OpenOnly: true}); len(open) != 0 {
			t.Fatalf("test must not raise alerts: %v", open)
		}
	})
}

// TestRuleAlertLifecycle: alerts raised by rules get the lifecycle every
// source gets from the one entry point (the failing-job and budget alerts
// are checked with the same storetest.RaisedAlert in jobs and llm).
func TestRuleAlertLifecycle(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		res := &analysis.Result{Area: "finance", Insights: []analysis.Insight{overdue("2", 61, 300, "medium")}}
		if er, err := b.e.Evaluate(ctx, b.conn, res); err != nil || er.Raised != 1 {
			t.Fatalf("run 1: %+v %v", er, err)
		}
		open, _ := b.s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: b.conn, OpenOnly: true})
		if len(open) != 1 {
			t.Fatalf("%d open alerts, want 1", len(open))
		}
		first := storetest.RaisedAlert(t, b.s, b.conn, open[0].Fingerprint, 0)
		if _, err := b.s.AlertResolve(ctx, store.AlertActParams{ConnectionID: b.conn, AlertID: first.ID, Actor: "ann"}); err != nil {
			t.Fatal(err)
		}
		b.clk.Add(time.Hour)
		if er, err := b.e.Evaluate(ctx, b.conn, res); err != nil || er.Raised != 1 {
			t.Fatalf("run 2: %+v %v", er, err)
		}
		storetest.RaisedAlert(t, b.s, b.conn, first.Fingerprint, first.ID)
	})
}
