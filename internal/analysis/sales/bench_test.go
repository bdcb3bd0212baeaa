package sales_test

import (
	"context"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/sales"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
)

// benchModels are the models the analyzer reads, for records/s.
var benchModels = []string{"crm.lead", "crm.stage", "mail.activity", "mail.message", "calendar.event", "account.move", "res.users"}

var (
	benchOnce sync.Once
	benchDS   *dataset.Dataset
	benchErr  error
)

// BenchmarkAnalyze runs the analyzer on a generated company: medium by
// default, AICOO_BENCH_SIZE=large for the large one.
func BenchmarkAnalyze(b *testing.B) {
	size := demodata.SizeMedium
	if s := os.Getenv("AICOO_BENCH_SIZE"); s != "" {
		size = demodata.Size(s)
	}
	benchOnce.Do(func() {
		benchDS, _, benchErr = demodata.Generate(context.Background(), demodata.Options{Size: size, Seed: 1, Today: evalToday})
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	runtime.GC() // let the collection of the generator's garbage finish
	n := 0
	for _, m := range benchModels {
		n += benchDS.Len(m)
	}
	env := &analysis.Env{Source: analysis.DatasetSource{DS: benchDS}, Today: odoo.DateOf(evalToday)}
	a := sales.New()
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		if _, err := a.Analyze(context.Background(), env); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/time.Since(start).Seconds(), "records/s")
}
