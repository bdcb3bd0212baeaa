package web

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// seedOps adds model calls, job runs and an acknowledged finance alert.
func (f *fixture) seedOps(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for i, ms := range []int64{100, 200, 300, 400} {
		if _, err := f.store.AIUsageInsert(ctx, store.AIUsageParams{ConnectionID: f.conn.ID, Feature: "briefing", Provider: "anthropic", Model: "claude-x",
			InputTokens: 1000, OutputTokens: 100, Cost: 0.25, Duration: time.Duration(ms) * time.Millisecond, Success: i != 3, Error: "=cmd|' /C calc'!A0"}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()
	var river int64
	for area, statuses := range map[string][]string{"finance": {store.JobRunSucceeded, store.JobRunFailed}, "sales": {store.JobRunSucceeded}} {
		for i, st := range statuses {
			river++
			at := now.Add(time.Duration(-10+i) * time.Hour)
			r, err := f.store.JobRunStart(ctx, store.JobRunStartParams{ConnectionID: f.conn.ID, JobID: f.jobIDs[area], RiverJobID: river, Attempt: 1, ScheduledAt: at, StartedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			msg := ""
			if st == store.JobRunFailed {
				msg = "odoo: <b>timeout</b>"
			}
			if err := f.store.JobRunFinish(ctx, r.ID, store.JobRunFinishParams{Status: st, FinishedAt: at.Add(time.Second), Duration: 800 * time.Millisecond, Error: msg}); err != nil {
				t.Fatal(err)
			}
		}
	}
	a, err := f.store.AlertGet(ctx, f.conn.ID, f.alerts["finance"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AlertAcknowledge(ctx, store.AlertActParams{ConnectionID: f.conn.ID, AlertID: a.ID, Actor: "cfo-user",
		At: a.CreatedAt.Add(90 * time.Second)}, 0); err != nil {
		t.Fatal(err)
	}
}

func TestAnalyticsOperationsAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	f.seedOps(t)

	// Costs go to the roles that see finance.
	admin := decode[usageReport](t, f.do(t, "admin", "GET", "/api/v1/analytics/usage", ""))
	if !admin.ShowsCost || len(admin.Data) != 1 || admin.Period.Days != usageDaysDefault {
		t.Fatalf("admin usage: %+v", admin)
	}
	g := admin.Data[0]
	if g.Calls != 4 || g.Failed != 1 || g.InputTokens != 4000 || g.CostUSD == nil || *g.CostUSD != 1 || g.P95LatencyMS != 400 || g.MeanLatencyMS != 250 {
		t.Fatalf("admin usage row: %+v", g)
	}
	if admin.Total.Calls != 4 || admin.Total.CostUSD == nil || *admin.Total.CostUSD != 1 {
		t.Fatalf("admin total: %+v", admin.Total)
	}
	for _, role := range []string{"sales", "ops"} {
		check(t, role+" usage", f.do(t, role, "GET", "/api/v1/analytics/usage", ""), 200, []string{`"calls":4`, `"shows_cost":false`}, []string{"cost_usd"})
		check(t, role+" usage csv", f.do(t, role, "GET", "/api/v1/analytics/usage?format=csv", ""), 200, []string{"feature,provider,model,calls"}, []string{"cost"})
	}
	rows := readCSV(t, f.do(t, "cfo", "GET", "/api/v1/analytics/usage?format=csv&days=1", ""))
	if len(rows) != 2 || rows[0][len(rows[0])-1] != "cost_usd" || rows[1][len(rows[1])-1] != "1.0000" {
		t.Fatalf("cfo csv: %v", rows)
	}

	// Jobs: each role sees the jobs of its areas.
	jobs := decode[jobStatsReport](t, f.do(t, "admin", "GET", "/api/v1/analytics/jobs", ""))
	if jobs.Period.Days != jobDaysDefault || len(jobs.Data) != 2 {
		t.Fatalf("admin jobs: %+v", jobs)
	}
	for _, j := range jobs.Data {
		if j.Area == "finance" && (j.Runs != 2 || j.Failures != 1 || j.LastError != "odoo: <b>timeout</b>" || j.LastFailureAt == nil || j.MeanDurationMS != 800) {
			t.Errorf("finance job: %+v", j)
		}
	}
	sales := decode[jobStatsReport](t, f.do(t, "sales", "GET", "/api/v1/analytics/jobs", ""))
	if len(sales.Data) != 1 || sales.Data[0].Area != "sales" || sales.Data[0].Runs != 1 {
		t.Fatalf("sales jobs: %+v", sales)
	}
	if rows := readCSV(t, f.do(t, "admin", "GET", "/api/v1/analytics/jobs?format=csv", "")); len(rows) != 3 || rows[0][0] != "job_id" {
		t.Fatalf("jobs csv: %v", rows)
	}

	// Alert response times: the acknowledged finance alert took 90 s;
	// sales does not count finance alerts.
	resp := decode[alertResponseReport](t, f.do(t, "cfo", "GET", "/api/v1/analytics/alerts", ""))
	if len(resp.Data) != 1 || resp.Data[0].Priority != "high" || resp.Data[0].Raised != 2 || resp.Data[0].Acknowledged != 1 ||
		resp.Data[0].AckMedianS == nil || *resp.Data[0].AckMedianS != 90 || resp.Data[0].ResolveMedianS != nil || resp.Data[0].Open != 2 {
		t.Fatalf("cfo alert response: %+v", resp)
	}
	sr := decode[alertResponseReport](t, f.do(t, "sales", "GET", "/api/v1/analytics/alerts", ""))
	if len(sr.Data) != 1 || sr.Data[0].Raised != 1 || sr.Data[0].Acknowledged != 0 || sr.Data[0].AckMedianS != nil {
		t.Fatalf("sales alert response: %+v", sr)
	}

	// Impact: the role's action types only; no rate before an outcome.
	imp := decode[impactReport](t, f.do(t, "admin", "GET", "/api/v1/analytics/impact?days=30", ""))
	if len(imp.Data) != 2 || imp.Data[0].Rate == nil || *imp.Data[0].Rate != 0.75 || imp.Data[0].RolledBack != 1 || imp.Data[1].Rate != nil ||
		imp.Data[0].Label != "Payment reminder to the customer" {
		t.Fatalf("admin impact: %+v", imp)
	}
	if since := f.impact.since[len(f.impact.since)-1]; time.Since(since) < 29*24*time.Hour || time.Since(since) > 31*24*time.Hour {
		t.Fatalf("impact asked since %s, want 30 days ago", since)
	}
	si := decode[impactReport](t, f.do(t, "sales", "GET", "/api/v1/analytics/impact", ""))
	if len(si.Data) != 1 || si.Data[0].ActionType != "deal_meeting" {
		t.Fatalf("sales impact: %+v", si)
	}
	check(t, "impact csv", f.do(t, "admin", "GET", "/api/v1/analytics/impact?format=csv", ""), 200, []string{"payment_reminder", "0.7500"}, nil)

	for _, bad := range []string{"days=0", "days=367", "days=x"} {
		for _, ep := range []string{"usage", "jobs", "alerts", "impact"} {
			check(t, ep+" "+bad, f.do(t, "admin", "GET", "/api/v1/analytics/"+ep+"?"+bad, ""), 400, []string{`"bad_request"`, "days must be"}, nil)
		}
	}
}

// readCSV reads a CSV download.
func readCSV(t *testing.T, resp *http.Response) [][]string {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%s: %d %s", resp.Request.URL, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestAnalyticsOperationsPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	f.seedOps(t)
	tests := []struct {
		name, role, path string
		code             int
		want, notWant    []string
	}{
		{"admin", "admin", "/analytics", 200, []string{"Language model usage, last 30 days", "claude-x", "$1.00", "Job runs, last 7 days",
			"odoo: &lt;b&gt;timeout&lt;/b&gt;", "Alert response times, last 30 days", "1 min / 1 min", "Impact of autonomous actions, last 90 days",
			"75 %", "Payment reminder to the customer", "Meeting for a stalled high-value deal", `href="/api/v1/analytics/usage?format=csv&amp;days=30"`, `<label for="ops-days">`}, []string{"<b>timeout</b>"}},
		{"sales sees no cost nor finance", "sales", "/analytics", 200, []string{"claude-x", "Costs are shown to roles that see finance figures", "Meeting for a stalled high-value deal"},
			[]string{"$1.00", "odoo: &lt;b&gt;timeout", "Payment reminder to the customer"}},
		{"one period for all", "ops", "/analytics?days=1", 200, []string{"last 1 days", `<option value="1" selected>`}, nil},
		{"bad period", "ops", "/analytics?days=0", 400, []string{"days must be"}, nil},
	}
	for _, tt := range tests {
		check(t, tt.name, f.do(t, tt.role, "GET", tt.path, ""), tt.code, tt.want, tt.notWant)
	}

	// Without an impact reporter the section is left out and its API
	// answers 501; a failing one leaves the rest of the page working.
	srv, err := New(Config{Store: f.store, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()
	check(t, "no impact", f.do(t, "admin", "GET", "/analytics", ""), 200, []string{"Language model usage"}, []string{"Impact of autonomous actions"})
	check(t, "no impact api", f.do(t, "admin", "GET", "/api/v1/analytics/impact", ""), 501, []string{"not_implemented"}, nil)
	srv, err = New(Config{Store: f.store, Version: "test", Impact: &testImpact{err: errors.New("impact store unreachable")}})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()
	check(t, "impact fails", f.do(t, "admin", "GET", "/analytics", ""), 200, []string{"Language model usage", "could not be read just now"}, []string{"impact store unreachable"})
	check(t, "impact fails api", f.do(t, "admin", "GET", "/api/v1/analytics/impact", ""), 500, []string{`"internal"`}, []string{"unreachable"})
}

func TestHumanDuration(t *testing.T) {
	t.Parallel()
	sec := func(v int64) *int64 { return &v }
	for _, tt := range []struct {
		in   *int64
		want string
	}{
		{nil, "—"}, {sec(0), "0 s"}, {sec(45), "45 s"}, {sec(90), "1 min"}, {sec(3600 + 5*60), "1 h 5 min"}, {sec(2*86400 + 4*3600), "2 d 4 h"},
	} {
		if got := humanDuration(tt.in); got != tt.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	cost := func(v float64) *float64 { return &v }
	for _, tt := range []struct {
		in   *float64
		want string
	}{{nil, "—"}, {cost(0), "$0.00"}, {cost(0.0123), "$0.0123"}, {cost(12.5), "$12.50"}} {
		if got := usd(tt.in); got != tt.want {
			t.Errorf("usd(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
