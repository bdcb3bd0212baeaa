package forecast_test

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
)

// BenchmarkForecast times loading the records (Load) and one forecast with
// its band calibration (At) on the demo company. Medium and large run with
// FORECAST_SIZES=1 (they take seconds and gigabytes to generate):
//
//	FORECAST_SIZES=1 go test ./internal/analysis/forecast -run '^$' -bench Forecast -benchtime 3x
func BenchmarkForecast(b *testing.B) {
	sizes := []demodata.Size{demodata.SizeSmall}
	if os.Getenv("FORECAST_SIZES") != "" {
		sizes = append(sizes, demodata.SizeMedium, demodata.SizeLarge)
	}
	for _, size := range sizes {
		ctx := context.Background()
		ds, _, err := demodata.Generate(ctx, demodata.Options{Size: size, Seed: 1, Today: evalToday})
		if err != nil {
			b.Fatal(err)
		}
		src := analysis.DatasetSource{DS: ds}
		b.Run(string(size)+"/load", func(b *testing.B) {
			for b.Loop() {
				if _, err := forecast.Load(ctx, src); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(size)+"/forecast", func(b *testing.B) {
			// The machine may be shared: CPU time says more than wall time.
			var cpu time.Duration
			defer func() { b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op") }()
			for range b.N {
				// A new model each time, so the calibration's cache is cold.
				b.StopTimer()
				m, err := forecast.Load(ctx, src)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				before := cpuTime()
				_ = m.At(odoo.DateOf(evalToday), forecast.Options{})
				cpu += cpuTime() - before
			}
		})
	}
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
