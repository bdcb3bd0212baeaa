package chart

import (
	"math"

	"github.com/aicoo/aicoo/internal/numfmt"
)

// Value formats a value with its unit for people: money and counts without
// decimals, days with none, ratios as percentages.
func Value(v float64, unit string) string {
	switch unit {
	case "":
		return numfmt.Number(v, 0)
	case "count":
		return numfmt.Number(v, 0)
	case "days":
		return numfmt.Number(v, 0) + " days"
	case "ratio":
		return numfmt.Number(v*100, 1) + "%"
	case "percent":
		return numfmt.Number(v, 1) + "%"
	}
	return numfmt.Number(v, 0) + " " + unit
}

// tick formats an axis tick compactly: whole numbers with separators, and
// thousands (k) or millions (M) when the step allows it without losing
// precision.
func tick(v, step float64, unit string) string {
	if unit == "ratio" {
		return numfmt.Number(v*100, decimalsOf(step*100)) + "%"
	}
	a := math.Abs(v)
	switch {
	case a >= 1e6 && math.Mod(step, 1e5) == 0:
		return numfmt.Number(v/1e6, decimalsOf(step/1e6)) + "M"
	case a >= 1e4 && math.Mod(step, 1e3) == 0:
		return numfmt.Number(v/1e3, 0) + "k"
	}
	return numfmt.Number(v, decimalsOf(step))
}

// decimalsOf returns the decimals a tick step needs (0 for whole steps).
func decimalsOf(step float64) int {
	for d := 0; d < 4; d++ {
		if math.Abs(step-math.Round(step)) < 1e-9 {
			return d
		}
		step *= 10
	}
	return 4
}

// niceTicks returns about n evenly spaced round ticks covering lo..hi,
// including 0 when the range includes it.
func niceTicks(lo, hi float64, n int) (ticks []float64, step float64) {
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		if hi == 0 {
			hi = 1
		} else {
			lo, hi = math.Min(0, lo), math.Max(0, hi)
			if lo == hi {
				hi = lo + 1
			}
		}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	end := math.Ceil(hi/step) * step
	for v := start; v <= end+step/2; v += step {
		ticks = append(ticks, math.Round(v/step)*step)
	}
	return ticks, step
}
