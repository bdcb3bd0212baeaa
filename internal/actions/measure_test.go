package actions_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestMeasureDemo proposes, approves, executes and rolls back every action
// the demo company's insights yield, with the default policies, and logs
// the counts per type. It runs only with AICOO_ACTIONS_MEASURE=small,
// medium or large:
//
//	AICOO_ACTIONS_MEASURE=medium go test -run TestMeasureDemo -v ./internal/actions
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
	rep, err := svc.ProposeInsights(ctx, conn.ID, insights, actions.ProposalOpts{Today: odoo.DateOf(demoToday), TaskProjectID: project})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("proposed %d actions in %s: %v", rep.Created, time.Since(start).Round(time.Millisecond), rep.ByStatus)
	all, err := st.ActionList(ctx, store.ActionListParams{ConnectionID: conn.ID, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ proposed, alone, approved, executed, failed, rolledBack, refused int }
	by := map[string]*tally{}
	start = time.Now()
	for _, a := range all {
		tl := by[a.ActionType]
		if tl == nil {
			tl = &tally{}
			by[a.ActionType] = tl
		}
		tl.proposed++
		if a.Status == store.ActionApproved {
			tl.alone++
		} else if a.Status == store.ActionPending {
			if _, err := svc.Approve(ctx, conn.ID, a.ID, admin); err != nil {
				t.Logf("approve %d: %v", a.ID, err)
				continue
			}
			tl.approved++
		}
		if a, err = svc.Execute(ctx, conn.ID, a.ID); err != nil || a.Status != store.ActionExecuted {
			tl.failed++
			t.Logf("execute %d (%s): %v", a.ID, a.ActionType, err)
			continue
		}
		tl.executed++
	}
	execDur := time.Since(start)
	start = time.Now()
	for _, a := range all {
		if got, _ := st.ActionByID(ctx, conn.ID, a.ID); got.Status != store.ActionExecuted {
			continue
		}
		if _, err := svc.Rollback(ctx, conn.ID, a.ID, admin); err != nil {
			by[a.ActionType].refused++
			t.Logf("rollback %d: %v", a.ID, err)
			continue
		}
		by[a.ActionType].rolledBack++
	}
	t.Logf("executed in %s, rolled back in %s", execDur.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	for _, info := range actions.Types() {
		tl := by[string(info.Type)]
		if tl == nil {
			tl = &tally{}
		}
		t.Logf("%-18s proposed %4d  ran alone %4d  approved %4d  executed %4d  failed %d  rolled back %4d  refused %d",
			info.Type, tl.proposed, tl.alone, tl.approved, tl.executed, tl.failed, tl.rolledBack, tl.refused)
	}
	var out nopWriter
	if err := actions.VerifyAudit(ctx, st, conn.ID, &out); err != nil {
		t.Fatal(err)
	}
}

type nopWriter struct{ n int }

func (w *nopWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
