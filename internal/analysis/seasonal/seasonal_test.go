package seasonal

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
)

var testMonths = [12]float64{0.95, 1, 1.1, 1, 1, 1, 1, 0.8, 1, 1.1, 1, 0.85}

// synthetic returns days of a business open Monday to Friday with the
// month factors of testMonths, 8% yearly growth and, with noise, ±noise
// uniform daily noise.
func synthetic(start odoo.Date, days int, noise float64, seed uint64) Daily {
	r := rand.New(rand.NewPCG(seed, 1))
	s := Daily{Start: start, Values: make([]float64, days)}
	for i := range s.Values {
		t := start.AddDays(i).In(time.UTC)
		if t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
			continue
		}
		v := 100 * testMonths[t.Month()-1] * (1 + 0.08*float64(i)/365)
		s.Values[i] = v * (1 + noise*(2*r.Float64()-1))
	}
	return s
}

func TestLearn(t *testing.T) {
	start := odoo.DateOf(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name   string
		days   int
		ok     bool
		months int
	}{
		{"two years", 731, true, 24},
		{"thirteen months", 397, true, 13},
		{"a year is not enough", 366, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := synthetic(start, tc.days, 0, 1)
			p := Learn(s, start.AddDays(tc.days-1))
			if p.OK != tc.ok || p.Months != tc.months {
				t.Fatalf("OK %v months %d, want %v %d", p.OK, p.Months, tc.ok, tc.months)
			}
			if !tc.ok {
				if p != Flat() {
					t.Errorf("without history the profile is %+v, want flat", p)
				}
				return
			}
			if p.Weekday[time.Sunday] != 0 || math.Abs(p.Weekday[time.Wednesday]-1.4) > 0.05 {
				t.Errorf("weekdays %.2f: want 0 on weekends, 7/5 on workdays", p.Weekday)
			}
			for i, want := range testMonths {
				// The log-linear trend is fitted together with the seasons
				// (and the growth is linear): within 5%.
				if math.Abs(p.Month[i]/want-1) > 0.05 {
					t.Errorf("month %d factor %.3f, want about %.3f", i+1, p.Month[i], want)
				}
			}
			if tc.months == 24 && math.Abs(p.Growth-1.08) > 0.03 {
				t.Errorf("growth %.3f, want about 1.08", p.Growth)
			}
		})
	}
}

func TestForecastFollowsSeason(t *testing.T) {
	start := odoo.DateOf(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	s := synthetic(start, 731+365, 0, 1)
	asOf := odoo.DateOf(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC))
	known := Daily{Start: s.Start, Values: s.Values[:731]}
	p := Learn(known, asOf)
	from, to := asOf.AddDays(1+31+28+31+30+31+30+31), asOf.AddDays(31+28+31+30+31+30+31+31) // August 2026
	got, want := p.Forecast(known, asOf, from, to), s.Sum(from, to)
	if math.Abs(got/want-1) > 0.03 {
		t.Errorf("August forecast %.0f, actual %.0f: more than 3%% off", got, want)
	}
	flat := Flat().Forecast(known, asOf, from, to)
	if math.Abs(flat/want-1) < 0.1 {
		t.Errorf("the run-rate forecast %.0f is within 10%% of %.0f: the test series has no season to find", flat, want)
	}
}

func TestWindows(t *testing.T) {
	d := func(s string) odoo.Date {
		x, err := odoo.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	tests := []struct {
		per  Period
		asOf string
		h    int
		want string
	}{
		{Month, "2026-01-31", 1, "2026-02-01 2026-02-28 2026-01-01 2026-01-31 2025-02-01 2025-02-28"},
		{Month, "2026-01-31", 6, "2026-07-01 2026-07-31 2026-01-01 2026-01-31 2025-07-01 2025-07-31"},
		{Week, "2026-12-07", 1, "2026-12-08 2026-12-14 2026-12-01 2026-12-07 2025-12-09 2025-12-15"},
		{Week, "2026-12-07", 4, "2026-12-29 2027-01-04 2026-12-01 2026-12-07 2025-12-30 2026-01-05"},
	}
	for _, tc := range tests {
		a, b, c, e, f, g := tc.per.windows(d(tc.asOf), tc.h)
		got := strings.Join([]string{a.String(), b.String(), c.String(), e.String(), f.String(), g.String()}, " ")
		if got != tc.want {
			t.Errorf("windows(%s, %d) = %s, want %s", tc.asOf, tc.h, got, tc.want)
		}
	}
}

// TestBacktest scores the four models on a noisy seasonal series: the
// seasonal model must win, and a series without seasons must choose the
// run-rate.
func TestBacktest(t *testing.T) {
	start := odoo.DateOf(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	today := start.AddDays(1000)
	run := func(s Daily) *Table {
		b := Backtest{Title: "test", Unit: "EUR", Period: Month, Horizons: []int{1, 3, 6}, Today: today,
			Origins: MonthEnds(start, today),
			Input: func(asOf odoo.Date) ([]Pair, Profile) {
				known := Daily{Start: s.Start, Values: s.Values[:min(len(s.Values), int(asOf.In(time.UTC).Sub(start.In(time.UTC)).Hours()/24)+1)]}
				return []Pair{{Known: known, Actual: s}}, Learn(known, asOf)
			}}
		return b.Run()
	}
	tab := run(synthetic(start, 1001, 0.5, 2))
	if tab.Origins != 18 || tab.Seasonal != 18 {
		t.Errorf("%d origins, %d seasonal, want 18 and 18", tab.Origins, tab.Seasonal)
	}
	for _, s := range tab.Scores {
		if !s.Beats() {
			t.Errorf("horizon %d: seasonal MAPE %.3f MAE %.1f does not beat %v %v", s.Horizon, s.MAPE[Seasonal], s.MAE[Seasonal], s.MAPE, s.MAE)
		}
	}
	if m, why := tab.Choose(); m != Seasonal {
		t.Errorf("chose %v (%s), want seasonal", m, why)
	}
	var sb strings.Builder
	if err := tab.Write(&sb); err != nil || !strings.Contains(sb.String(), "MAPE seasonal") {
		t.Errorf("Write: %v\n%s", err, sb.String())
	}
	flat := Daily{Start: start, Values: make([]float64, 1001)}
	r := rand.New(rand.NewPCG(3, 1))
	for i := range flat.Values {
		flat.Values[i] = 100 * (1 + 0.6*(2*r.Float64()-1))
	}
	if m, why := run(flat).Choose(); m != RunRate {
		t.Errorf("a series without seasons chose %v (%s)", m, why)
	}
	short := Daily{Start: start, Values: flat.Values[:300]}
	if m, why := run(short).Choose(); m != RunRate || !strings.Contains(why, "13 months") {
		t.Errorf("300 days chose %v (%s), want the run-rate for lack of history", m, why)
	}
}

// TestResponse: series with the total's seasons respond 1, series without
// any 0, and a mix in between; Damped moves the factors accordingly.
func TestResponse(t *testing.T) {
	start := odoo.DateOf(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	asOf := start.AddDays(730)
	seasonalS := synthetic(start, 731, 0, 1)
	flat := Daily{Start: start, Values: make([]float64, 731)}
	for i := range flat.Values {
		if wd := start.AddDays(i).In(time.UTC).Weekday(); wd != time.Saturday && wd != time.Sunday {
			flat.Values[i] = 50
		}
	}
	p := Learn(seasonalS, asOf)
	tests := []struct {
		name   string
		ss     []Daily
		lo, hi float64
	}{
		{"the same seasons", []Daily{seasonalS}, 0.9, 1},
		{"no seasons", []Daily{flat}, 0, 0.1},
		{"half and half", []Daily{seasonalS, flat}, 0.4, 0.6},
		{"too short", []Daily{{Start: start, Values: flat.Values[:200]}}, 1, 1},
	}
	for _, tc := range tests {
		if got := Response(tc.ss, p, asOf); got < tc.lo || got > tc.hi {
			t.Errorf("%s: response %.3f, want %.2f to %.2f", tc.name, got, tc.lo, tc.hi)
		}
	}
	d := p.Damped(0.5)
	if math.Abs(d.Month[7]-(1+(p.Month[7]-1)/2)) > 1e-12 || d.Weekday != p.Weekday || p.Damped(0).Month != Flat().Month {
		t.Errorf("Damped: %.3f from %.3f", d.Month, p.Month)
	}
}
