// Package analysistest holds what the analyzers' tests and benchmarks
// share: a source that hides models (as when a module is not installed or
// a model not synced), scoring one detector against a generated company's
// ground truth, and the records-per-second benchmark.
package analysistest

import (
	"bytes"
	"context"
	"runtime"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/eval"
	"github.com/aicoo/aicoo/internal/odoo"
)

// HideModels returns src without the given models: reading one gives
// analysis.ErrUnavailable.
func HideModels(src analysis.Source, models ...string) analysis.Source {
	h := hidden{Source: src, models: map[string]bool{}}
	for _, m := range models {
		h.models[m] = true
	}
	return h
}

type hidden struct {
	analysis.Source
	models map[string]bool
}

func (h hidden) Records(ctx context.Context, model string) ([]odoo.Record, error) {
	if h.models[model] {
		return nil, analysis.ErrUnavailable
	}
	return h.Source.Records(ctx, model)
}

// CheckDetector generates the company of opt, runs a over it (with the
// given models hidden) and fails t unless the detector of kind finds every
// labelled problem of its kind and no near miss; the scores are logged.
func CheckDetector(t *testing.T, a analysis.Analyzer, opt demodata.Options, kind dataset.Kind, hide ...string) {
	t.Helper()
	ctx := context.Background()
	ds, gt, err := demodata.Generate(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	env := &analysis.Env{Source: HideModels(analysis.DatasetSource{DS: ds}, hide...), Today: odoo.DateOf(opt.Today)}
	res, err := a.Analyze(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	rep := eval.Score(gt, []*analysis.Result{res})
	mine := &eval.Report{}
	for _, k := range rep.Kinds {
		if k.Kind == string(kind) {
			mine.Kinds = append(mine.Kinds, k)
		}
	}
	if len(mine.Kinds) == 0 {
		t.Fatalf("the ground truth has no %s", kind)
	}
	var buf bytes.Buffer
	if err := mine.Write(&buf, true); err != nil {
		t.Fatal(err)
	}
	if p, f := mine.Passed(); f > 0 || p == 0 {
		t.Errorf("seed %d:\n%s", opt.Seed, buf.String())
	} else {
		t.Logf("seed %d:\n%s", opt.Seed, buf.String())
	}
}

// Bench runs a over the company of opt for b, reporting the records of
// models read per second and their number. Generating the company is not
// timed.
func Bench(b *testing.B, a analysis.Analyzer, opt demodata.Options, models []string) {
	b.Helper()
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, opt)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, m := range models {
		n += ds.Len(m)
	}
	env := &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(opt.Today)}
	runtime.GC() // collect the generator's garbage outside the timing
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := a.Analyze(ctx, env); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(n), "records")
}
