package cli

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/eval"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestPipelineFindsWhatTheDatasetHolds runs the real pipeline on a small
// company: the Odoo simulator, aicoo's client, the sync into the store, and
// every analyzer over the synced records. It must find what the analyzers
// find reading the dataset directly: the sync carries every field they use.
// It runs on an Odoo 17 and an Odoo 18 company, whose budgets live in
// different models.
func TestPipelineFindsWhatTheDatasetHolds(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"17.0", "18.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			pipelineMatchesDataset(t, version)
		})
	}
}

func pipelineMatchesDataset(t *testing.T, version string) {
	ctx := context.Background()
	today := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	ds, gt, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 4, Today: today, OdooVersion: version})
	if err != nil {
		t.Fatal(err)
	}
	direct := runAnalyzers(t, &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(today)})

	sim, err := odoosim.New(ds, odoosim.Options{Logger: slog.New(slog.DiscardHandler), NowFunc: func() time.Time { return today.Add(12 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	s := storetest.Open(t, store.SQLite)
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "sim", OdooURL: srv.URL, OdooDatabase: sim.Database(), OdooUsername: sim.Login()})
	if err != nil {
		t.Fatal(err)
	}
	client, err := odooClient(ctx, conn, sim.APIKey(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	syncer, err := odoosync.New(odoosync.Config{Store: s, Client: client, ConnectionID: conn.ID, Models: syncModels()})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := syncer.Sync(ctx, odoosync.Opts{Full: true})
	if err != nil || rep.Err() != nil {
		t.Fatalf("sync: %v %v", err, rep.Err())
	}
	synced := runAnalyzers(t, &analysis.Env{Source: analysis.StoreSource{Store: s, ConnectionID: conn.ID}, Today: odoo.DateOf(today)})

	for i := range direct {
		want, got := subjects(direct[i]), subjects(synced[i])
		if !slices.Equal(want, got) {
			t.Errorf("%s: the synced store gives other findings than the dataset:\n dataset: %v\n synced:  %v", direct[i].Area, want, got)
		}
	}
	// The figure history from the synced copy is the dataset's: the sync
	// carries what it needs (dates, residuals, matching numbers, and the
	// payment terms the cash forecast reads).
	hOpt := history.Options{Today: odoo.DateOf(today)}
	hDirect, err := history.Compute(ctx, analysis.DatasetSource{DS: ds}, hOpt)
	if err != nil {
		t.Fatal(err)
	}
	hSynced, err := history.Compute(ctx, analysis.StoreSource{Store: s, ConnectionID: conn.ID}, hOpt)
	if err != nil {
		t.Fatal(err)
	}
	if len(hDirect) != len(hSynced) || len(hDirect) < 1000 {
		t.Errorf("history: %d points from the dataset, %d from the synced store", len(hDirect), len(hSynced))
	} else {
		for i := range hDirect {
			if hDirect[i] != hSynced[i] {
				t.Errorf("history point from the dataset %+v, from the synced store %+v", hDirect[i], hSynced[i])
				break
			}
		}
	}
	var budgets int
	for i := range synced {
		for _, in := range synced[i].Insights {
			if in.Kind == "budget_overrun" {
				budgets++
			}
		}
	}
	if budgets == 0 {
		t.Error("no budget overrun found over the synced store")
	}
	r := eval.Score(gt, synced)
	if _, failed := r.Passed(); failed > 0 {
		var sb stringsBuilder
		r.Write(&sb, true)
		t.Fatalf("eval over the synced store:\n%s", sb.String())
	}
}

type stringsBuilder struct{ b []byte }

func (s *stringsBuilder) Write(p []byte) (int, error) { s.b = append(s.b, p...); return len(p), nil }
func (s *stringsBuilder) String() string              { return string(s.b) }

func runAnalyzers(t *testing.T, env *analysis.Env) []*analysis.Result {
	t.Helper()
	var out []*analysis.Result
	for _, a := range areaAnalyzers() {
		res, err := a.Analyze(context.Background(), env)
		if err != nil {
			t.Fatalf("%s: %v", a.Area(), err)
		}
		out = append(out, res)
	}
	return out
}

func subjects(r *analysis.Result) []string {
	var out []string
	for _, in := range r.Insights {
		out = append(out, in.Kind+" "+in.Subject+" "+in.Priority)
	}
	slices.Sort(out)
	return out
}

// TestAnalyzeCommand runs "aicoo analyze" against the simulator: one sync
// into the store, then every analyzer, printed.
func TestAnalyzeCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 5, Today: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := odoosim.New(ds, odoosim.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	env := []string{"AICOO_STORE_DATA_DIR=" + t.TempDir(), "AICOO_ODOO_URL=" + srv.URL, "AICOO_ODOO_DATABASE=" + sim.Database(),
		"AICOO_ODOO_USERNAME=" + sim.Login(), "AICOO_ODOO_API_KEY=" + sim.APIKey(), "AICOO_LOG_LEVEL=warn"}
	code, out, errOut := run(t, env, "analyze")
	if code != 0 || !strings.Contains(out, "== FINANCE") || !strings.Contains(out, "finance.cash.position") || !strings.Contains(errOut, "synced") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	// A second run syncs incrementally into the same store.
	if code, _, errOut := run(t, env, "analyze", "--json"); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, errOut)
	}
}
