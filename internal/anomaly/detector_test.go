package anomaly

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

var day0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) // a Monday

// daily builds n days of a business-like series: a weekday profile
// (weekends at about a third), a linear trend and seeded noise.
func daily(n int, seed uint64, trendPerDay float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	profile := []float64{1, 1.1, 1.05, 1.0, 1.2, 0.35, 0.3} // Monday first
	out := make([]float64, n)
	for i := range out {
		out[i] = 1000*profile[i%7] + trendPerDay*float64(i) + rng.NormFloat64()*40
	}
	return out
}

// fiveMinute builds n points of a machine-like series sampled every five
// minutes: a daily cycle and seeded noise.
func fiveMinute(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([]float64, n)
	for i := range out {
		out[i] = 50 + 20*math.Sin(2*math.Pi*float64(i)/288) + rng.NormFloat64()*2
	}
	return out
}

func run(cfg Config, step time.Duration, xs []float64) []float64 {
	d := New(cfg)
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = d.Step(day0.Add(time.Duration(i)*step), x)
	}
	return out
}

// alerts lists the points in [from, to) scoring at least level.
func alerts(scores []float64, from, to int, level float64) []int {
	var out []int
	for i := from; i < to; i++ {
		if scores[i] >= level {
			out = append(out, i)
		}
	}
	return out
}

const day = 24 * time.Hour

func TestDailyShapes(t *testing.T) {
	t.Parallel()
	const n, at = 730, 500 // two years; the anomaly on a Tuesday in the second
	tests := []struct {
		name string
		xs   func(seed uint64) []float64
		// want is the first and last point an alert must fall in; nil
		// means no alert after the warm-up at all.
		want []int
	}{
		{"weekly pattern is normal", func(s uint64) []float64 { return daily(n, s, 0) }, nil},
		{"growth is normal", func(s uint64) []float64 { return daily(n, s, 1) }, nil},
		{"decline is normal", func(s uint64) []float64 { return daily(n, s, -0.6) }, nil},
		{"one-day spike", func(s uint64) []float64 {
			xs := daily(n, s, 0)
			xs[at] *= 2.2
			return xs
		}, []int{at, at}},
		{"orders drop by half for good", func(s uint64) []float64 {
			xs := daily(n, s, 0)
			for i := at; i < n; i++ {
				xs[i] *= 0.5
			}
			return xs
		}, []int{at, at + 6}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for seed := uint64(1); seed <= 5; seed++ {
				cfg := Daily()
				scores := run(cfg, day, tc.xs(seed))
				got := alerts(scores, cfg.Warmup, n, cfg.AlertLevel)
				if tc.want == nil {
					if len(got) > 0 {
						t.Errorf("seed %d: alerts at %v, want none", seed, got)
					}
					continue
				}
				if len(got) == 0 || got[0] < tc.want[0] || got[0] > tc.want[1] {
					t.Errorf("seed %d: alerts at %v, want the first in [%d, %d]", seed, got, tc.want[0], tc.want[1])
				}
				if len(got) > 2 {
					t.Errorf("seed %d: %d alerts %v for one anomaly", seed, len(got), got)
				}
			}
		})
	}
}

// TestDefaultShapes checks the NAB configuration on machine-like data. It
// learns for a day (288 points) and is meant to catch anomalies early at
// the price of a rare false alert, as NAB's standard profile rewards.
func TestDefaultShapes(t *testing.T) {
	t.Parallel()
	const n, at, learned = 4000, 3000, 600 // two weeks of five-minute points
	tests := []struct {
		name string
		xs   func(seed uint64) []float64
		want []int // the first alert from at must fall in [want[0], want[1]]
	}{
		{"daily cycle is normal", func(s uint64) []float64 { return fiveMinute(n, s) }, nil},
		{"spike", func(s uint64) []float64 {
			xs := fiveMinute(n, s)
			xs[at] += 40
			return xs
		}, []int{at, at}},
		// A shift smaller than the daily swing shows when the cycle next
		// reaches a new extreme: within the day.
		{"level shift", func(s uint64) []float64 {
			xs := fiveMinute(n, s)
			for i := at; i < n; i++ {
				xs[i] += 15
			}
			return xs
		}, []int{at, at + 288}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for seed := uint64(1); seed <= 5; seed++ {
				cfg := Default()
				scores := run(cfg, 5*time.Minute, tc.xs(seed))
				if tc.want == nil {
					if got := alerts(scores, learned, n, cfg.AlertLevel); len(got) > 2 {
						t.Errorf("seed %d: %d false alerts %v after learning, want at most 2", seed, len(got), got)
					}
					continue
				}
				got := alerts(scores, at, n, cfg.AlertLevel)
				if len(got) == 0 || got[0] < tc.want[0] || got[0] > tc.want[1] {
					t.Errorf("seed %d: alerts from %d at %v, want the first in [%d, %d]", seed, at, got, tc.want[0], tc.want[1])
				}
			}
		})
	}
}

func TestScoresStayInRange(t *testing.T) {
	t.Parallel()
	series := map[string][]float64{
		"flat":           make([]float64, 500),
		"flat then jump": append(make([]float64, 300), 1e12, 1e12, -1e12, 0),
		"alternating":    nil,
		"tiny":           nil,
	}
	for i := 0; i < 600; i++ {
		series["alternating"] = append(series["alternating"], float64(i%2)*1e9-5e8)
		series["tiny"] = append(series["tiny"], 1e-300*float64(i%7))
		v := float64(i % 5)
		switch i % 50 {
		case 7:
			v = math.NaN()
		case 8:
			v = math.Inf(1)
		}
		series["missing values"] = append(series["missing values"], v)
	}
	for name, xs := range series {
		for _, cfg := range []Config{Default(), Daily()} {
			for i, s := range run(cfg, time.Minute, xs) {
				if !(s >= 0 && s <= 1) {
					t.Errorf("%s: point %d scores %v, outside [0,1]", name, i, s)
				}
				if math.IsNaN(xs[i]) || math.IsInf(xs[i], 0) {
					if s != 0 {
						t.Errorf("%s: missing value at %d scores %v, want 0", name, i, s)
					}
				}
			}
		}
	}
}
