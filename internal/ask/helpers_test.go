package ask_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
)

// The demo company's last day, and when the questions are asked.
var (
	demoToday = time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	demoNow   = time.Date(2026, 3, 9, 9, 30, 0, 0, time.UTC)
)

// demo is a small demo company synced through the simulator, the Odoo
// client and odoosync into a real SQLite store, analysed, with alerts and
// a pending action: what the tools read in production.
type demo struct {
	ds   *dataset.Dataset
	st   *store.Store
	conn *store.Connection
	svc  *actions.Service
	reg  *ask.Registry // reads through a record cache, as in serve
	// direct reads the store on every call, as the CLI.
	direct *ask.Registry
	alert  map[string]int64 // an alert id per area
}

var (
	demoOnce sync.Once
	shared   *demo
	demoErr  error
)

// syncSpecs is what aicoo syncs (internal/cli's syncModels): the sync's
// default models widened to every stored field the schema knows.
func syncSpecs() []odoosync.ModelSpec {
	schema := dataset.DefaultSchema()
	specs := odoosync.DefaultModels()
	for _, m := range []string{"account.payment", "aicoo.budget", "crossovered.budget", "crossovered.budget.lines",
		"account.budget.post", "budget.analytic", "budget.line", "account.analytic.account", "account.analytic.line", "hr.employee", "hr.expense.sheet", "product.category",
		"product.supplierinfo", "project.project", "res.users", "stock.location", "stock.picking.type", "stock.warehouse", "uom.uom"} {
		if !slices.ContainsFunc(specs, func(s odoosync.ModelSpec) bool { return s.Model == m }) {
			specs = append(specs, odoosync.ModelSpec{Model: m})
		}
	}
	for i := range specs {
		m, ok := schema.Model(specs[i].Model)
		if !ok {
			continue
		}
		for _, f := range m.Fields {
			if f.Type == dataset.One2many || f.Type == dataset.Binary || !f.Stored() {
				continue
			}
			for v := 16; v <= 19; v++ {
				if name, ok := f.NameIn(v); ok && !slices.Contains(specs[i].Fields, name) {
					specs[i].Fields = append(specs[i].Fields, name)
				}
			}
		}
	}
	return specs
}

// sharedDemo builds the demo once for the package's tests, which only
// read it (propose_action tests use their own store: newDemo).
func sharedDemo(t *testing.T) *demo {
	t.Helper()
	demoOnce.Do(func() { shared, demoErr = buildDemo(store.Config{DataDir: filepath.Join(tempRoot, "shared")}) })
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return shared
}

func buildDemo(cfg store.Config) (*demo, error) {
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 7, Today: demoToday})
	if err != nil {
		return nil, err
	}
	now := func() time.Time { return demoNow }
	sim, err := odoosim.New(ds, odoosim.Options{NowFunc: now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(sim)
	defer ts.Close()
	client, err := odoo.New(odoo.Config{URL: ts.URL, Database: ds.Meta.Database, Username: odoosim.LoginDefault,
		Password: odoosim.PasswordDefault, Protocol: odoo.ProtocolJSONRPC, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	if _, err := client.Connect(ctx); err != nil {
		return nil, err
	}
	cfg.NowFunc = now
	st, err := store.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	conn, err := st.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "demo", OdooURL: "https://demo.example.com", OdooDatabase: ds.Meta.Database})
	if err != nil {
		return nil, err
	}
	syncer, err := odoosync.New(odoosync.Config{Store: st, Client: client, ConnectionID: conn.ID, Models: syncSpecs(), NowFunc: now})
	if err != nil {
		return nil, err
	}
	if _, err := syncer.Sync(ctx, odoosync.Opts{}); err != nil {
		return nil, err
	}
	d := &demo{ds: ds, st: st, conn: conn, alert: map[string]int64{}}
	if err := d.analyse(ctx); err != nil {
		return nil, err
	}
	d.svc, err = actions.New(actions.Config{Store: st, NowFunc: now,
		OdooFunc: func(context.Context, int64) (actions.Odoo, error) { return nil, errors.New("the tests never execute") }})
	if err != nil {
		return nil, err
	}
	// A proposal waiting for approval, as an analyzer makes them.
	if _, _, err := d.svc.Propose(ctx, conn.ID, actions.Proposal{Type: actions.TypePaymentReminder, Subject: "account.move:1",
		Source: "insight:overdue_invoice", Title: "Send a payment reminder for INV/TEST", TargetModel: "account.move", TargetID: 1,
		Params: actions.Params{Model: "account.move", ResID: 1, PartnerIDs: []int64{1}, Body: "Dear customer"}}); err != nil {
		return nil, err
	}
	deps := ask.Deps{Store: st, Access: access.New(areas.Catalogue()), Catalogue: areas.Catalogue(), Now: now, Actions: d.svc}
	if d.direct, err = ask.NewTools(deps); err != nil {
		return nil, err
	}
	deps.Cache = analysis.NewRecordCache()
	d.reg, err = ask.NewTools(deps)
	return d, err
}

// analyse stores two runs of every analyzer over the synced store (a day
// apart, the older with the same figures) and raises the first insight of
// each area as an alert with one event.
func (d *demo) analyse(ctx context.Context) error {
	src := analysis.StoreSource{Store: d.st, ConnectionID: d.conn.ID}
	env := &analysis.Env{Source: src, Today: odoo.DateOf(demoToday), OdooURL: d.conn.OdooURL}
	for _, a := range areas.Analyzers() {
		res, err := analysis.Run(ctx, a, env)
		if err != nil {
			return err
		}
		job, err := d.st.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: d.conn.ID, Name: a.Area(), Schedule: "@hourly",
			AnalyzerType: analysis.JobTypePrefix + a.Area(), Config: json.RawMessage(`{}`), Enabled: true})
		if err != nil {
			return err
		}
		out, err := analysis.Outcome(res)
		if err != nil {
			return err
		}
		var stored *store.AnalysisResult
		for _, at := range []time.Time{demoNow.Add(-24 * time.Hour), demoNow.Add(-time.Hour)} {
			if stored, _, err = d.st.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: d.conn.ID, JobID: job.ID,
				ScheduledAt: at, RunAt: at, Status: store.ResultSuccess, Insights: out.Insights, Metrics: out.Metrics}); err != nil {
				return err
			}
		}
		if len(res.Insights) == 0 {
			continue
		}
		in := res.Insights[0]
		data, _ := json.Marshal(map[string]any{"kind": in.Kind, "refs": in.Refs, "facts": in.Facts})
		al, _, err := d.st.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: d.conn.ID, AnalysisResultID: stored.ID,
			Fingerprint: "insight:" + in.Kind + ":" + in.Subject, Type: a.Area(), Priority: in.Priority, Title: in.Title,
			Description: in.Detail, Data: data})
		if err != nil {
			return err
		}
		if _, err := d.st.AlertEventAppend(ctx, store.AlertEventParams{ConnectionID: d.conn.ID, AlertID: al.ID, Action: store.AlertEventRaised}); err != nil {
			return err
		}
		d.alert[a.Area()] = al.ID
	}
	return nil
}

// caller is a person of role on the demo connection.
func (d *demo) caller(role string) ask.Caller {
	return ask.Caller{UserID: 1, Username: role + "-user", Role: role, ConnectionID: d.conn.ID, Via: "test"}
}

// call runs a tool and decodes its Data into out (through JSON, as a
// model reads it).
func (d *demo) call(t *testing.T, reg *ask.Registry, role, tool string, in any, out any) *ask.Output {
	t.Helper()
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := reg.Call(context.Background(), d.caller(role), tool, raw)
	if err != nil {
		t.Fatalf("%s %s: %v", tool, raw, err)
	}
	if out != nil {
		b, err := json.Marshal(res.Data)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: %v\n%s", tool, err, b)
		}
	}
	return res
}
