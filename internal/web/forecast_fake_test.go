package web

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/cashplan"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// forecastDay is the day the forecast tests look from.
var forecastDay = time.Date(2025, 6, 18, 9, 0, 0, 0, time.UTC)

// demoCompany is the small demo company, generated once per test binary.
var demoCompany = sync.OnceValues(func() (*dataset.Dataset, error) {
	ds, _, err := demodata.Generate(context.Background(), demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: forecastDay})
	return ds, err
})

// syncedDemo copies the demo company into s for connection conn, as a
// finished sync leaves it.
func syncedDemo(t *testing.T, s *store.Store, conn int64) {
	t.Helper()
	ds, err := demoCompany()
	if err != nil {
		t.Fatal(err)
	}
	storetest.CopyDataset(t, s, conn, ds, forecastDay)
}

// testCashPlan serves the permission matrix a real forecast of the demo
// company, from a store of its own filled on first use; deleting a
// scenario and switching a flow are only recorded, so that every role of
// the matrix meets the same scenarios and flows.
type testCashPlan struct {
	t    *testing.T
	once sync.Once
	svc  *cashplan.Service
	conn int64
	err  error

	mu    sync.Mutex
	calls []string
}

func (f *testCashPlan) init() {
	f.once.Do(func() {
		s := storetest.Open(f.t, store.SQLite)
		c, err := s.ConnectionUpsert(context.Background(), store.ConnectionUpsertParams{Name: "demo", OdooURL: "http://odoo.test", OdooDatabase: "demo"})
		if err != nil {
			f.err = err
			return
		}
		syncedDemo(f.t, s, c.ID)
		f.svc, f.conn = cashplan.New(s, func() time.Time { return forecastDay }), c.ID
		// Scenarios 1 to 3, for the matrix's paths.
		for i := 1; i <= 3; i++ {
			sc := forecast.Scenario{Name: fmt.Sprintf("Hire %d", i), Changes: []forecast.Change{{Kind: forecast.ChangeHire, Amount: 5000,
				Date: odoo.DateOf(forecastDay.AddDate(0, 1, 0))}}}
			if _, f.err = f.svc.SaveScenario(context.Background(), c.ID, 0, sc, 1); f.err != nil {
				return
			}
		}
	})
}

func (f *testCashPlan) record(format string, a ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
}

func (f *testCashPlan) Plan(ctx context.Context, _ int64, pipeline bool) (*cashplan.Plan, error) {
	if f.init(); f.err != nil {
		return nil, f.err
	}
	return f.svc.Plan(ctx, f.conn, pipeline)
}

func (f *testCashPlan) Scenarios(ctx context.Context, _ int64) ([]*cashplan.Scenario, error) {
	if f.init(); f.err != nil {
		return nil, f.err
	}
	return f.svc.Scenarios(ctx, f.conn)
}

func (f *testCashPlan) ScenarioByID(ctx context.Context, _, id int64) (*cashplan.Scenario, error) {
	if f.init(); f.err != nil {
		return nil, f.err
	}
	return f.svc.ScenarioByID(ctx, f.conn, id)
}

func (f *testCashPlan) SaveScenario(ctx context.Context, _, id int64, sc forecast.Scenario, by int64) (*cashplan.Scenario, error) {
	if f.init(); f.err != nil {
		return nil, f.err
	}
	return f.svc.SaveScenario(ctx, f.conn, id, sc, by)
}

func (f *testCashPlan) DeleteScenario(_ context.Context, _, id int64) error {
	f.record("delete scenario %d", id)
	return nil
}

func (f *testCashPlan) SwitchFlow(_ context.Context, _ int64, flowID string, off bool, by int64) error {
	f.record("flow %s off=%v by %d", flowID, off, by)
	return nil
}
