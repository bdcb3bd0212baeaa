// Package robust holds the robust statistics the anomaly detectors share:
// medians, the median absolute deviation, a log-space robust z-score, and
// type-7 quantiles with one value left out (the distribution a value is
// judged against).
package robust

import (
	"math"
	"slices"
	"sort"
)

// Median returns the median of xs (0 for none); xs is not modified.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// MAD returns the median absolute deviation of xs around m.
func MAD(xs []float64, m float64) float64 {
	d := make([]float64, len(xs))
	for i, x := range xs {
		d[i] = math.Abs(x - m)
	}
	return Median(d)
}

// madScale makes the MAD a consistent estimator of the standard deviation
// of a normal distribution.
const madScale = 1.4826

// Z returns how many robust standard deviations x lies above the
// distribution of xs, in log space (amounts are roughly log-normal). The
// spread is floored at floor (in log units) so that a vendor billing the
// same amount every month does not make a small rise look extreme.
func Z(x float64, xs []float64, floor float64) float64 {
	logs := make([]float64, 0, len(xs))
	for _, v := range xs {
		if v > 0 {
			logs = append(logs, math.Log(v))
		}
	}
	if len(logs) == 0 || x <= 0 {
		return 0
	}
	m := Median(logs)
	s := max(madScale*MAD(logs, m), floor)
	return (math.Log(x) - m) / s
}

// Quantile returns the q-quantile (0..1) of xs by linear interpolation
// between order statistics (Hyndman-Fan type 7, as numpy and spreadsheets
// compute it); 0 for none. xs is not modified.
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	h := q * float64(len(s)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}

// QuantileWithout returns the q-quantile (as Quantile computes it) of the
// sorted values s with one occurrence of x left out, without copying: the
// leave-one-out distribution a value is judged against. It returns 0 when
// nothing is left.
func QuantileWithout(s []float64, x, q float64) float64 {
	skip := sort.SearchFloat64s(s, x)
	n := len(s)
	if skip < len(s) && s[skip] == x {
		n--
	} else {
		skip = len(s)
	}
	if n <= 0 {
		return 0
	}
	at := func(k int) float64 {
		if k >= skip {
			k++
		}
		return s[k]
	}
	h := q * float64(n-1)
	lo := int(math.Floor(h))
	if lo+1 >= n {
		return at(n - 1)
	}
	return at(lo) + (h-float64(lo))*(at(lo+1)-at(lo))
}

// WithoutOne returns a copy of xs without one occurrence of x.
func WithoutOne(xs []float64, x float64) []float64 {
	out := make([]float64, 0, len(xs))
	skipped := false
	for _, v := range xs {
		if v == x && !skipped {
			skipped = true
			continue
		}
		out = append(out, v)
	}
	return out
}
