package anomaly

import "math"

// likelihood turns a stream of raw scores into the probability that the
// recent raw scores are unusually high for this series, after Ahmad et al.
// (2017), "Unsupervised real-time anomaly detection for streaming data",
// Neurocomputing 262: L = 1 − Q((μ̃ − μ)/σ) where μ, σ are the mean and
// deviation of raw scores over a long window and μ̃ their mean over a short
// one. A series whose raw scores are always high (noisy, trending) then
// alerts no more than a quiet one.
type likelihood struct {
	long, short ring
	minVar      float64
	learn       int
	seen        int
	sum, sumSq  float64 // over long
	shortSum    float64
}

func newLikelihood(longN, shortN, learn int) *likelihood {
	// The variance floor keeps a perfectly quiet history from making the
	// first small change a certainty.
	return &likelihood{long: newRing(longN), short: newRing(shortN), minVar: 0.0003, learn: learn}
}

// step adds a raw score and returns the likelihood in [0,1].
func (l *likelihood) step(raw float64) float64 {
	l.seen++
	if old, full := l.short.push(raw); full {
		l.shortSum -= old
	}
	l.shortSum += raw
	avg := l.shortSum / float64(l.short.len())
	// The long window holds the short averages, as in the paper.
	if old, full := l.long.push(avg); full {
		l.sum -= old
		l.sumSq -= old * old
	}
	l.sum += avg
	l.sumSq += avg * avg
	if l.seen <= l.learn {
		return 0.5
	}
	n := float64(l.long.len())
	mean := l.sum / n
	v := l.sumSq/n - mean*mean
	if v < l.minVar {
		v = l.minVar
	}
	z := (avg - mean) / math.Sqrt(v)
	return 1 - 0.5*math.Erfc(z/math.Sqrt2)
}

// logScale spreads likelihoods near 1 over [0,1] so that one threshold
// can separate 0.9999 from 0.999999 (the same scale Numenta's NAB
// detector reports).
func logScale(l float64) float64 {
	const eps = 1e-10
	return math.Min(1, math.Max(0, math.Log(1+eps-l)/math.Log(eps)))
}

// ring is a fixed-size FIFO of float64.
type ring struct {
	buf  []float64
	next int
	n    int
}

func newRing(size int) ring { return ring{buf: make([]float64, size)} }

// push appends v and returns the value it evicted and whether one was.
func (r *ring) push(v float64) (float64, bool) {
	old, full := r.buf[r.next], r.n == len(r.buf)
	r.buf[r.next] = v
	r.next = (r.next + 1) % len(r.buf)
	if !full {
		r.n++
	}
	return old, full
}

func (r *ring) len() int { return r.n }
