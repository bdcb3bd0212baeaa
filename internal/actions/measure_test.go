package actions_test

import (
	"context"
	"log/slog"
	"maps"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestMeasureDemo proposes, approves, executes and rolls back every action
// the demo company's insights yield, with the default policies, checks
// their impact once from a sync of the store, and logs the counts and the
// mean execute and rollback time per type. It runs only with
// AICOO_ACTIONS_MEASURE=small, medium or large; AICOO_ACTIONS_HIGH_VALUE
// lowers the expected revenue from which a stalled deal gets a meeting
// rather than a note (the demo's deals are below the default):
//
//	AICOO_ACTIONS_MEASURE=medium go test -run TestMeasureDemo -v -timeout 30m ./internal/actions
func TestMeasureDemo(t *testing.T) {
	size := os.Getenv("AICOO_ACTIONS_MEASURE")
	if size == "" {
		t.Skip("set AICOO_ACTIONS_MEASURE=small|medium|large to measure")
	}
	ctx := context.Background()
	start := time.Now()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.Size(size), Seed: 7, Today: demoToday})
	if err != nil {
		t.Fatal(err)
	}
	insights, err := analyze(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated and analyzed the %s company in %s: %d insights", size, time.Since(start).Round(time.Millisecond), len(insights))
	clk := &clock{t: demoToday.Add(32 * time.Hour)}
	sim, err := odoosim.New(ds, odoosim.Options{NowFunc: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sim)
	defer ts.Close()
	c, err := odoo.New(odoo.Config{URL: ts.URL, Database: ds.Meta.Database, Username: odoosim.LoginDefault, Password: odoosim.PasswordDefault,
		Protocol: odoo.ProtocolJSONRPC, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	st := storetest.Open(t, store.SQLite)
	conn, err := st.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "demo", OdooURL: ts.URL, OdooDatabase: ds.Meta.Database})
	if err != nil {
		t.Fatal(err)
	}
	user, err := st.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "ann", Role: store.RoleAdmin, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	admin := actions.Actor{UserID: user.ID, Username: "ann", Role: store.RoleAdmin}
	svc, err := actions.New(actions.Config{Store: st, NowFunc: clk.Now, OdooFunc: func(context.Context, int64) (actions.Odoo, error) { return c, nil }})
	if err != nil {
		t.Fatal(err)
	}
	project, err := c.Create(ctx, "project.project", map[string]any{"name": "Customer care"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	opts := actions.ProposalOpts{Today: odoo.DateOf(demoToday), TaskProjectID: project}
	if v := os.Getenv("AICOO_ACTIONS_HIGH_VALUE"); v != "" {
		if opts.HighValueDeal, err = strconv.ParseFloat(v, 64); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := svc.ProposeInsights(ctx, conn.ID, insights, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("proposed %d actions in %s: %v", rep.Created, time.Since(start).Round(time.Millisecond), rep.ByStatus)
	all, err := st.ActionList(ctx, store.ActionListParams{ConnectionID: conn.ID, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(all) // oldest first, as proposed
	type tally struct {
		proposed, alone, waiting, blocked, approved, notApproved, executed, failed, rolledBack, refused int
		execDur, rollbackDur                                                                            time.Duration
	}
	by := map[string]*tally{}
	reasons := map[string]int{} // why actions waited for approval
	start = time.Now()
	for _, a := range all {
		tl := by[a.ActionType]
		if tl == nil {
			tl = &tally{}
			by[a.ActionType] = tl
		}
		tl.proposed++
		switch a.Status {
		case store.ActionApproved:
			tl.alone++
		case store.ActionBlocked:
			tl.blocked++
			continue
		case store.ActionPending:
			tl.waiting++
			reasons[a.ActionType+": "+a.PolicyReason]++
			if _, err := svc.Approve(ctx, conn.ID, a.ID, admin); err != nil {
				tl.notApproved++
				t.Logf("approve %d: %v", a.ID, err)
				continue
			}
			tl.approved++
		}
		began := time.Now()
		a, err := svc.Execute(ctx, conn.ID, a.ID)
		tl.execDur += time.Since(began)
		if err != nil || a.Status != store.ActionExecuted {
			tl.failed++
			t.Logf("execute %d (%s): %v", a.ID, a.ActionType, err)
			continue
		}
		tl.executed++
	}
	execDur := time.Since(start)

	// Impact: sync what the rules read, then one check of every executed
	// action (all pending: nothing has happened in Odoo yet).
	syncer, err := odoosync.New(odoosync.Config{Store: st, Client: c, ConnectionID: conn.ID, Models: impactModels(),
		SettleDelay: -1, NowFunc: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if _, err := syncer.Sync(ctx, odoosync.Opts{}); err != nil {
		t.Fatal(err)
	}
	syncDur := time.Since(start)
	clk.Add(time.Hour)
	start = time.Now()
	ir, err := svc.EvaluateImpact(ctx, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("impact: synced the %d models it reads in %s; checked %d executed actions in %s: %+v", len(impactModels()),
		syncDur.Round(time.Millisecond), ir.Checked, time.Since(start).Round(time.Millisecond), *ir)

	start = time.Now()
	for _, a := range all {
		if got, _ := st.ActionByID(ctx, conn.ID, a.ID); got.Status != store.ActionExecuted {
			continue
		}
		began := time.Now()
		_, err := svc.Rollback(ctx, conn.ID, a.ID, admin)
		by[a.ActionType].rollbackDur += time.Since(began)
		if err != nil {
			by[a.ActionType].refused++
			t.Logf("rollback %d: %v", a.ID, err)
			continue
		}
		by[a.ActionType].rolledBack++
	}
	t.Logf("executed in %s, rolled back in %s", execDur.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	avg := func(d time.Duration, n int) string {
		if n == 0 {
			return "-"
		}
		return (d / time.Duration(n)).Round(10 * time.Microsecond).String()
	}
	var sum tally
	for _, info := range actions.Builtin().Types() {
		tl := by[string(info.Type)]
		if tl == nil {
			tl = &tally{}
		}
		t.Logf("%-18s proposed %4d  ran alone %4d  waited %4d  blocked %d  approved %4d (not %d)  executed %4d (%s each)  failed %d  rolled back %4d (%s each)  refused %d",
			info.Type, tl.proposed, tl.alone, tl.waiting, tl.blocked, tl.approved, tl.notApproved, tl.executed, avg(tl.execDur, tl.executed+tl.failed),
			tl.failed, tl.rolledBack, avg(tl.rollbackDur, tl.rolledBack+tl.refused), tl.refused)
		sum.proposed += tl.proposed
		sum.alone += tl.alone
		sum.waiting += tl.waiting
		sum.approved += tl.approved
		sum.executed += tl.executed
		sum.rolledBack += tl.rolledBack
	}
	for _, r := range slices.Sorted(maps.Keys(reasons)) {
		t.Logf("waited %3d x %s", reasons[r], r)
	}
	t.Logf("total: proposed %d, ran alone %d, waited for approval %d, executed after approval %d, executed %d, rolled back %d",
		sum.proposed, sum.alone, sum.waiting, sum.approved, sum.executed, sum.rolledBack)
	if ir, err := svc.EvaluateImpact(ctx, conn.ID); err != nil || ir.Checked != 0 {
		t.Fatalf("impact after the rollbacks: %+v %v (every action is excluded at rollback)", ir, err)
	}
	var out nopWriter
	if err := actions.VerifyAudit(ctx, st, conn.ID, &out); err != nil {
		t.Fatal(err)
	}
}

type nopWriter struct{ n int }

func (w *nopWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
