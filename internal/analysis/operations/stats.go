package operations

import (
	"math"
	"slices"
)

// median returns the median of xs (the mean of the two middle values for
// an even count), or NaN when xs is empty. xs is not modified.
func median(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// mean returns the arithmetic mean of xs, or NaN when xs is empty.
func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// twoProportionZ returns the z statistic of the difference p1 - p2 between
// two observed proportions (k1 of n1, k2 of n2), with the pooled standard
// error. It is 0 when either sample is empty or the pooled rate is 0 or 1.
func twoProportionZ(k1, n1, k2, n2 int) float64 {
	if n1 == 0 || n2 == 0 {
		return 0
	}
	p1, p2 := float64(k1)/float64(n1), float64(k2)/float64(n2)
	p := float64(k1+k2) / float64(n1+n2)
	se := math.Sqrt(p * (1 - p) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 0
	}
	return (p1 - p2) / se
}

func sortInt64(xs []int64) { slices.Sort(xs) }
