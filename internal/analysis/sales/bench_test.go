package sales_test

import (
	"os"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis/analysistest"
	"github.com/aicoo/aicoo/internal/analysis/sales"
	"github.com/aicoo/aicoo/internal/demodata"
)

// benchModels are the models the analyzer reads, for records/s.
var benchModels = []string{"crm.lead", "crm.stage", "mail.activity", "mail.message", "calendar.event", "account.move", "res.users"}

// BenchmarkAnalyze runs the analyzer on a generated company: medium by
// default, AICOO_BENCH_SIZE=large for the large one.
func BenchmarkAnalyze(b *testing.B) {
	size := demodata.SizeMedium
	if s := os.Getenv("AICOO_BENCH_SIZE"); s != "" {
		size = demodata.Size(s)
	}
	analysistest.Bench(b, sales.New(), demodata.Options{Size: size, Seed: 1, Today: evalToday}, benchModels)
}
