package nab

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// probationPercent is NAB's probationary fraction (runner.py): the first
// min(15% of a file, 750) rows are not scored.
const probationPercent = 0.15

const (
	noWindow    = -1 // a row outside every window
	probationer = -2 // a row in the probationary period
)

// point is NAB's AnomalyPoint: one row's anomaly score, its NAB weight
// ("sweepScore") and the window it falls in.
type point struct {
	score  float64
	weight float64
	window int // a corpus-wide window id, noWindow or probationer
}

// thresholdScore is NAB's ThresholdScore: the raw score and counts when
// every row scoring at least threshold is a detection.
type thresholdScore struct {
	threshold      float64
	score          float64
	tp, tn, fp, fn int
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// scaledSigmoid is NAB's weight of a detection at a relative position: −1
// is a window's left edge (0.987), 0 its right edge (0), positive values
// are past the window, scoring down to −1.
func scaledSigmoid(pos float64) float64 {
	if pos > 3.0 {
		return -1.0
	}
	return 2*sigmoid(-5*pos) - 1.0
}

func probationaryLength(n int) float64 {
	return math.Min(math.Floor(probationPercent*float64(n)), probationPercent*5000)
}

// sweepPoints is Sweeper.calcSweepScore: each row's weight under profile p.
// Windows are numbered from firstWindow so that names stay unique across
// the corpus, as NAB's "file|start" names are.
func sweepPoints(s *Series, scores []float64, p Profile, firstWindow int) ([]point, error) {
	if len(scores) != len(s.Times) {
		return nil, fmt.Errorf("%s: %d scores for %d rows", s.Path, len(scores), len(s.Times))
	}
	index := func(t time.Time) (int, error) {
		for i, ts := range s.Times {
			if ts.Equal(t) {
				return i, nil
			}
		}
		return 0, fmt.Errorf("%s: window limit %s is not a row's timestamp", s.Path, t)
	}
	maxTP := scaledSigmoid(-1.0)
	probation := probationaryLength(len(s.Times))
	out := make([]point, len(scores))

	next := 0 // the next window not yet entered
	inWindow := false
	cur, curRight := -1, 0
	curWidth := 0.0
	havePrev := false
	prevRight := 0
	prevWidth := 0.0
	for i, t := range s.Times {
		if !inWindow && next < len(s.Windows) && t.Equal(s.Windows[next].Start) {
			cur = next
			next++
			inWindow = true
			right, err := index(s.Windows[cur].End)
			if err != nil {
				return nil, err
			}
			left, err := index(s.Windows[cur].Start)
			if err != nil {
				return nil, err
			}
			curRight = right
			curWidth = float64(right - left + 1)
		}
		var weight float64
		if inWindow {
			pos := -float64(curRight-i+1) / curWidth
			weight = scaledSigmoid(pos) * p.TPWeight / maxTP
		} else {
			unweighted := -1.0
			if havePrev {
				unweighted = scaledSigmoid(math.Abs(float64(prevRight-i)) / (prevWidth - 1))
			}
			weight = unweighted * p.FPWeight
		}
		w := noWindow
		if inWindow {
			w = firstWindow + cur
		}
		if float64(i) < probation {
			w = probationer
		}
		out[i] = point{score: scores[i], weight: weight, window: w}
		if inWindow && t.Equal(s.Windows[cur].End) {
			havePrev = true
			prevRight = i
			prevWidth = curWidth
			inWindow = false
		}
	}
	return out, nil
}

// rank lists the scored rows (not probationary) from the highest anomaly
// score down, ties in row order: Python's stable sort in
// prepAnomalyListForScoring. It does not depend on the profile.
func rank(points []point) []int32 {
	idx := make([]int32, 0, len(points))
	for i, pt := range points {
		if pt.window != probationer {
			idx = append(idx, int32(i))
		}
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := cmp.Compare(points[b].score, points[a].score); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return idx
}

// scoreByThreshold is Sweeper.calcScoreByThreshold: the raw score for
// every distinct threshold, highest first, starting at 1.1 (nothing
// detected). A window scores −fnWeight until detected, then the weight of
// its earliest detection; each detection outside windows adds its weight.
// order is rank(points).
func scoreByThreshold(points []point, order []int32, p Profile) []thresholdScore {
	parts := map[int]float64{}
	var tp, tn, fp, fn int
	total := 0.0
	for _, i := range order {
		pt := points[i]
		if pt.window == noWindow {
			tn++
			continue
		}
		fn++
		if _, ok := parts[pt.window]; !ok {
			parts[pt.window] = -p.FNWeight
			total -= p.FNWeight
		}
	}
	out := make([]thresholdScore, 0, 64)
	cur := 1.1
	for _, i := range order {
		pt := points[i]
		if pt.score != cur {
			out = append(out, thresholdScore{threshold: cur, score: total, tp: tp, tn: tn, fp: fp, fn: fn})
			cur = pt.score
		}
		if pt.window == noWindow {
			fp++
			tn--
			total += pt.weight
			continue
		}
		tp++
		fn--
		if old := parts[pt.window]; pt.weight > old {
			parts[pt.window] = pt.weight
			total += pt.weight - old
		}
	}
	return append(out, thresholdScore{threshold: cur, score: total, tp: tp, tn: tn, fp: fp, fn: fn})
}

// atThreshold is Sweeper.scoreDataSet's lookup: the row for exactly
// threshold, or else the last row above it.
func atThreshold(rows []thresholdScore, threshold float64) thresholdScore {
	var prev thresholdScore
	for i, r := range rows {
		if r.threshold == threshold {
			return r
		}
		if r.threshold < threshold {
			if i == 0 {
				return r
			}
			return prev
		}
		prev = r
	}
	return rows[len(rows)-1]
}
