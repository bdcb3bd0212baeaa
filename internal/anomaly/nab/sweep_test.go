package nab

import (
	"math"
	"testing"
	"time"
)

func TestScaledSigmoid(t *testing.T) {
	t.Parallel()
	// The values nab/sweeper.py's docstring gives.
	for pos, want := range map[float64]float64{-1: 0.98661, -0.5: 0.84828, 0: 0, 1: -0.98661, 3.5: -1} {
		if got := scaledSigmoid(pos); math.Abs(got-want) > 1e-5 {
			t.Errorf("scaledSigmoid(%v) = %.6f, want %.5f", pos, got, want)
		}
	}
}

// TestSweepByHand scores a 20-row file whose expected NAB score is worked
// out by hand: rows 0-2 are probationary (15% of 20), rows 10-13 are the
// window, the detector scores row 11 at 0.9 and row 17 at 0.8.
func TestSweepByHand(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	s := Series{Path: "x/hand.csv"}
	scores := make([]float64, 20)
	for i := range scores {
		s.Times = append(s.Times, t0.Add(time.Duration(i)*time.Minute))
		s.Values = append(s.Values, 0)
	}
	s.Windows = []Window{{Start: s.Times[10], End: s.Times[13]}}
	scores[11], scores[17] = 0.9, 0.8
	standard := Profile{Name: "standard", TPWeight: 1, FPWeight: 0.11, FNWeight: 1, TNWeight: 1}
	c := &Corpus{Series: []Series{s}, WindowCount: 1}

	res, err := Score(c, map[string][]float64{s.Path: scores}, []Profile{standard})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	// Row 11 sits at −(13−11+1)/4 = −0.75 of the window: S(−0.75)/S(−1).
	// Lowering the threshold to 0.8 adds row 17, at (17−13)/(4−1) past the
	// window, costing 0.11·S(4/3); lower still adds every other row, so
	// 0.9 is the best threshold.
	want := scaledSigmoid(-0.75) / scaledSigmoid(-1)
	if r.Threshold != 0.9 || math.Abs(r.Raw-want) > 1e-12 || r.TP != 1 || r.FP != 0 || r.FN != 3 || r.TN != 13 {
		t.Errorf("got threshold %v raw %.6f TP %d FP %d FN %d TN %d, want 0.9 %.6f 1 0 3 13", r.Threshold, r.Raw, r.TP, r.FP, r.FN, r.TN, want)
	}
	// NAB's null detector answers 0.5 everywhere and has its threshold
	// optimised too: here detecting every row (the window's first row
	// earns 1, the seven rows before it cost 0.11 each, the six after it
	// 0.11·S(distance)) beats missing the window (−1). Perfect is 1.
	null := 1 - 7*0.11
	for i := 14; i < 20; i++ {
		null += 0.11 * scaledSigmoid(float64(i-13)/3)
	}
	if math.Abs(r.Null-null) > 1e-12 || r.Perfect != 1 || math.Abs(r.Score-100*(want-null)/(1-null)) > 1e-9 {
		t.Errorf("null %v perfect %v score %v, want %v 1 %v", r.Null, r.Perfect, r.Score, null, 100*(want-null)/(1-null))
	}

	rows := scoreByThreshold(mustSweep(t, &s, scores, standard), rank(mustSweep(t, &s, scores, standard)), standard)
	if got := atThreshold(rows, 0.8).score; math.Abs(got-(want+0.11*scaledSigmoid(4.0/3))) > 1e-12 {
		t.Errorf("score at 0.8 = %.6f, want %.6f", got, want+0.11*scaledSigmoid(4.0/3))
	}
	// A threshold between two scores takes the row above it, as NAB does.
	if got := atThreshold(rows, 0.85).threshold; got != 0.9 {
		t.Errorf("threshold 0.85 matched row %v, want 0.9", got)
	}
}

func mustSweep(t *testing.T, s *Series, scores []float64, p Profile) []point {
	t.Helper()
	pts, err := sweepPoints(s, scores, p, 0)
	if err != nil {
		t.Fatal(err)
	}
	return pts
}
