package operations_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/eval"
	"github.com/aicoo/aicoo/internal/odoo"
)

// evalToday is the fixed reference date of the evaluation datasets.
var evalToday = time.Date(2025, 6, 18, 0, 0, 0, 0, time.UTC)

// ownedKinds are the ground-truth kinds this analyzer is scored on.
var ownedKinds = []string{operations.KindStockoutRisk, operations.KindSupplierLate}

func runEval(t *testing.T, opt demodata.Options) {
	t.Helper()
	ctx := context.Background()
	ds, gt, err := demodata.Generate(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	env := &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(opt.Today), OdooURL: "https://odoo.example"}
	res, err := operations.New().Analyze(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	// Score only the kinds this analyzer owns.
	own := &dataset.GroundTruth{Today: gt.Today}
	for _, it := range gt.Items {
		if !slices.Contains(ownedKinds, string(it.Kind)) {
			continue
		}
		if inconsistentSupplierItem(it) {
			// The generator labels its sliding vendor whatever its receipts
			// show; when they do not show the fall its own rule requires
			// (demodata.OnTimeDrop), the label contradicts the data and is
			// not scored. Logged so it stays visible.
			t.Logf("seed %d: ground truth item not scored, its data does not meet demodata.OnTimeDrop = %.2f: %s",
				opt.Seed, demodata.OnTimeDrop, it.Description)
			continue
		}
		own.Items = append(own.Items, it)
	}
	rep := eval.Score(own, []*analysis.Result{res})
	var buf bytes.Buffer
	if err := rep.Write(&buf, true); err != nil {
		t.Fatal(err)
	}
	scored := map[string]bool{}
	failed := false
	for _, k := range rep.Kinds {
		scored[k.Kind] = true
		if !k.Passed() {
			failed = true
		}
	}
	for _, k := range ownedKinds {
		if !scored[k] {
			t.Errorf("kind %s has no ground truth in this dataset", k)
		}
	}
	if failed || testing.Verbose() {
		t.Logf("seed %d size %s:\n%s", opt.Seed, opt.Size, buf.String())
	}
	if failed {
		t.Error("a detector failed")
	}
}

// inconsistentSupplierItem reports whether a supplier_late problem's own
// facts show a fall of the on-time rate smaller than the generator's rule.
func inconsistentSupplierItem(it dataset.Item) bool {
	if it.Kind != dataset.KindSupplierLate || it.NearMiss {
		return false
	}
	recent, okR := it.Facts["on_time_rate_90d"]
	prior, okP := it.Facts["on_time_rate_prior"]
	return okR && okP && prior-recent < demodata.OnTimeDrop-0.005 // facts are rounded to 2 decimals
}

func TestEvalSmall(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opt  demodata.Options
	}{
		{"seed1", demodata.Options{Seed: 1}},
		{"seed2", demodata.Options{Seed: 2}},
		{"seed3", demodata.Options{Seed: 3}},
		{"seed1_low_runway_v16", demodata.Options{Seed: 1, LowRunway: true, NoHelpdesk: true, OdooVersion: "16.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.opt.Size, tc.opt.Today = demodata.SizeSmall, evalToday
			runEval(t, tc.opt)
		})
	}
}

// TestEvalMedium runs on medium datasets; it is slower, so it runs only
// with AICOO_EVAL_MEDIUM=1 and not in -short mode.
func TestEvalMedium(t *testing.T) {
	if testing.Short() || os.Getenv("AICOO_EVAL_MEDIUM") == "" {
		t.Skip("set AICOO_EVAL_MEDIUM=1 to run the medium evaluation")
	}
	for _, seed := range []uint64{1, 2, 3} {
		runEval(t, demodata.Options{Size: demodata.SizeMedium, Seed: seed, Today: evalToday})
	}
}
