package briefing_test

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/customers"
	"github.com/aicoo/aicoo/internal/analysis/expenses"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/analysis/sales"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// demoNow is when the briefings are written: 06:30 in Brussels on the
// demo company's last day.
var (
	demoToday = time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	demoNow   = time.Date(2026, 3, 9, 5, 30, 0, 0, time.UTC)
)

// demoResults runs every analyzer once on a generated company, shared by
// the tests (generation is the slow part).
type demoResults struct {
	results map[string]*analysis.Result
	ds      *dataset.Dataset // the records, for the figure history
}

var (
	demoOnce = map[demodata.Size]*sync.Once{demodata.SizeSmall: {}, demodata.SizeMedium: {}}
	demoRes  = map[demodata.Size]*demoResults{}
	demoErr  = map[demodata.Size]error{}
	demoMu   sync.Mutex
)

const demoOdooURL = "https://nordwind.example.com"

func analyzed(t testing.TB, size demodata.Size) *demoResults {
	t.Helper()
	demoMu.Lock()
	once := demoOnce[size]
	demoMu.Unlock()
	once.Do(func() {
		ctx := context.Background()
		ds, _, err := demodata.Generate(ctx, demodata.Options{Size: size, Seed: 7, Today: demoToday})
		if err != nil {
			demoErr[size] = err
			return
		}
		env := &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(demoToday), OdooURL: demoOdooURL}
		r := &demoResults{results: map[string]*analysis.Result{}, ds: ds}
		for _, a := range []analysis.Analyzer{finance.New(), sales.New(), operations.New(), customers.New(), expenses.New()} {
			res, err := a.Analyze(ctx, env)
			if err != nil {
				demoErr[size] = err
				return
			}
			res.Sort()
			r.results[a.Area()] = res
		}
		demoMu.Lock()
		demoRes[size] = r
		demoMu.Unlock()
	})
	demoMu.Lock()
	defer demoMu.Unlock()
	if demoErr[size] != nil {
		t.Fatal(demoErr[size])
	}
	return demoRes[size]
}

// seed stores the demo's results as today's analysis runs, with a day- and
// a week-old run whose money figures were 5% and 10% higher, raises the
// insights' alerts, and creates one user per role.
func seed(t testing.TB, s *store.Store, d *demoResults) (*store.Connection, map[string]*store.User) {
	t.Helper()
	ctx := context.Background()
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "Nordwind", OdooURL: demoOdooURL, OdooDatabase: "nordwind"})
	if err != nil {
		t.Fatal(err)
	}
	for area, res := range d.results {
		job, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: conn.ID, Name: area, Schedule: "@hourly",
			AnalyzerType: analysis.JobTypePrefix + area, Config: json.RawMessage(`{}`), Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, back := range []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, 0} {
			r := *res
			r.Metrics = append([]analysis.Metric(nil), res.Metrics...)
			factor := []float64{1.10, 1.05, 1}[i]
			for j := range r.Metrics {
				if r.Metrics[j].Unit != "count" && r.Metrics[j].Unit != "ratio" {
					r.Metrics[j].Value *= factor
				}
			}
			out, err := analysis.Outcome(&r)
			if err != nil {
				t.Fatal(err)
			}
			at := demoNow.Add(-back).Truncate(time.Hour)
			stored, _, err := s.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: conn.ID, JobID: job.ID,
				ScheduledAt: at, RunAt: at, Status: store.ResultSuccess, Insights: out.Insights, Metrics: out.Metrics})
			if err != nil {
				t.Fatal(err)
			}
			if back != 0 {
				continue
			}
			for _, in := range res.Insights {
				if analysis.PriorityRank(in.Priority) > analysis.PriorityRank("medium") {
					continue
				}
				data, _ := json.Marshal(map[string]any{"kind": in.Kind, "refs": in.Refs})
				if _, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: conn.ID, AnalysisResultID: stored.ID,
					Fingerprint: "insight:" + in.Kind + ":" + in.Subject, Type: area, Priority: in.Priority, Title: in.Title,
					Description: in.Detail, Data: data}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	users := map[string]*store.User{}
	for _, role := range []string{store.RoleCEO, store.RoleCFO, store.RoleSales, store.RoleOps} {
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: role + "-user", Role: role, Timezone: "Europe/Brussels"})
		if err != nil {
			t.Fatal(err)
		}
		users[role] = u
	}
	return conn, users
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	return storetest.Open(t, store.SQLite, func(c *store.Config) { c.NowFunc = func() time.Time { return demoNow } })
}

func measuring() bool { return os.Getenv("AICOO_BRIEF_MEASURE") != "" }
