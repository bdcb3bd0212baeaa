package robust

import (
	"math"
	"testing"
)

func TestStatistics(t *testing.T) {
	t.Parallel()
	xs := []float64{5, 1, 3, 2, 4}
	if got := Median(xs); got != 3 {
		t.Errorf("Median = %v", got)
	}
	if xs[0] != 5 {
		t.Error("Median must not reorder its input")
	}
	if got := Median([]float64{1, 2, 3, 10}); got != 2.5 {
		t.Errorf("even Median = %v", got)
	}
	if got := MAD([]float64{1, 2, 3, 4, 100}, 3); got != 1 {
		t.Errorf("MAD = %v", got)
	}
	// Type 7, as numpy.quantile: [1..5] at 0.9 is 4.6.
	if got := Quantile(xs, 0.9); math.Abs(got-4.6) > 1e-12 {
		t.Errorf("Quantile = %v", got)
	}
	sorted := []float64{1, 2, 3, 4, 100}
	if got, want := QuantileWithout(sorted, 100, 0.5), Quantile([]float64{1, 2, 3, 4}, 0.5); got != want {
		t.Errorf("QuantileWithout = %v, want %v", got, want)
	}
	if got := WithoutOne([]float64{2, 2, 3}, 2); len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Errorf("WithoutOne = %v", got)
	}
	if Median(nil) != 0 || Quantile(nil, 0.5) != 0 || QuantileWithout([]float64{7}, 7, 0.5) != 0 {
		t.Error("empty input gives 0")
	}
	// Amounts ten times the usual are far out; the floor keeps identical
	// history from making a small rise extreme.
	if z := Z(1000, []float64{100, 110, 90, 105, 95}, 0.1); z < 5 {
		t.Errorf("Z(10x) = %v", z)
	}
	if z := Z(110, []float64{100, 100, 100, 100}, 0.1); z > 1 {
		t.Errorf("Z with flat history = %v", z)
	}
}
