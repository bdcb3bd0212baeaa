package anomaly

import (
	"math"
	"time"
)

// Config tunes a Detector. Start from Default or Daily and change fields.
type Config struct {
	// Warmup is how many points the detector only learns from: it fixes
	// the quantisation scale from them and scores them 0. The likelihood
	// then learns for as many points again, during which only the spatial
	// check can alert.
	Warmup int
	// Levels is how many quantisation levels span the warm-up range at the
	// coarsest resolution; Resolutions is how many resolutions run side by
	// side, each twice as fine as the last.
	Levels, Resolutions int
	// MaxOrder is the longest context, in points, of the sequence model.
	MaxOrder int
	// ShortWindow and LongWindow are the likelihood's windows, in points.
	ShortWindow, LongWindow int
	// AlertLevel is the score from which the detector goes quiet for
	// RestPeriod points, or RestFraction of the points seen so far if that
	// is longer, so that one anomaly raises one alert.
	AlertLevel   float64
	RestPeriod   int
	RestFraction float64
	// SpatialTolerance is the share of the range seen so far by which a
	// point must leave that range to score 1 by itself.
	SpatialTolerance float64
	// TrendAlpha and TrendBeta, when TrendAlpha > 0, remove a slowly
	// moving level and trend (Holt's linear smoothing) before anything
	// else, so that growth is not an anomaly. Zero leaves the series as is.
	TrendAlpha, TrendBeta float64
}

// Default is the configuration measured on NAB (docs/anomaly.md).
func Default() Config {
	return Config{
		Warmup:           150,
		Levels:           3,
		Resolutions:      3,
		MaxOrder:         3,
		ShortWindow:      10,
		LongWindow:       2000,
		AlertLevel:       0.5,
		RestPeriod:       110,
		RestFraction:     0.02,
		SpatialTolerance: 0.02,
	}
}

// Daily is the configuration for business series of one point per day
// (revenue, orders, receipts, cash): eight weeks of warm-up, a year of
// likelihood history, a week of rest after an alert, growth removed, and
// only large departures from the range seen alert by themselves.
func Daily() Config {
	return Config{
		Warmup:           56,
		Levels:           3,
		Resolutions:      3,
		MaxOrder:         3,
		ShortWindow:      7,
		LongWindow:       365,
		AlertLevel:       0.5,
		RestPeriod:       7,
		RestFraction:     0,
		SpatialTolerance: 0.2,
		TrendAlpha:       0.01,
		TrendBeta:        0.001,
	}
}

// withDefaults replaces window sizes that cannot work (zero or negative)
// by Default's, so that a partly filled Config is still usable.
func (c Config) withDefaults() Config {
	d := Default()
	for _, f := range []struct {
		v   *int
		def int
	}{
		{&c.Warmup, d.Warmup}, {&c.Levels, d.Levels}, {&c.Resolutions, d.Resolutions},
		{&c.ShortWindow, d.ShortWindow}, {&c.LongWindow, d.LongWindow},
	} {
		if *f.v <= 0 {
			*f.v = f.def
		}
	}
	c.MaxOrder = max(c.MaxOrder, 0)
	c.RestPeriod = max(c.RestPeriod, 0)
	return c
}

// Detector scores one series point by point, with no look-ahead. It is not
// safe for concurrent use; use one per series.
type Detector struct {
	cfg   Config
	n     int
	warm  []float64
	trend holt
	// The range of the (detrended) points seen so far.
	lo, hi float64
	chans  []*channel
	lik    *likelihood
	quiet  int
}

// New returns a detector for one series.
func New(cfg Config) *Detector {
	cfg = cfg.withDefaults()
	d := &Detector{
		cfg:   cfg,
		lik:   newLikelihood(cfg.LongWindow, cfg.ShortWindow, cfg.Warmup),
		trend: holt{alpha: cfg.TrendAlpha, beta: cfg.TrendBeta},
	}
	for r := 0; r < cfg.Resolutions; r++ {
		d.chans = append(d.chans, newChannel(cfg.Levels<<r, cfg.MaxOrder))
	}
	return d
}

// Step takes the next point and returns its anomaly score in [0,1]. The
// time is not used yet: the detector assumes evenly spaced points. A
// missing value (NaN or infinite) scores 0 and is not learnt from.
func (d *Detector) Step(_ time.Time, v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	d.n++
	if d.n <= d.cfg.Warmup {
		d.warm = append(d.warm, v)
		if d.n == d.cfg.Warmup {
			d.endWarmup()
		}
		return 0
	}
	x := d.trend.residual(v)
	spatial := d.spatial(x)
	raw := 0.0
	for _, c := range d.chans {
		raw += c.novelty(c.symbol(x))
	}
	raw /= float64(len(d.chans))
	score := logScale(d.lik.step(raw))
	if spatial {
		score = 1
	}
	if d.quiet > 0 {
		d.quiet--
		return 0
	}
	if score >= d.cfg.AlertLevel {
		d.quiet = max(d.cfg.RestPeriod, int(d.cfg.RestFraction*float64(d.n)))
	}
	return score
}

// endWarmup fixes the trend, the range and the quantisation from the
// warm-up points, and teaches them to the sequence model.
func (d *Detector) endWarmup() {
	xs := d.trend.fit(d.warm)
	d.lo, d.hi = xs[0], xs[0]
	for _, x := range xs {
		d.lo, d.hi = math.Min(d.lo, x), math.Max(d.hi, x)
	}
	for _, c := range d.chans {
		c.fit(d.lo, d.hi)
		for _, x := range xs {
			c.novelty(c.symbol(x))
		}
	}
	d.warm = nil
}

// spatial reports whether x leaves the range seen so far by more than the
// tolerance (after Numenta's NAB detector), then widens the range.
func (d *Detector) spatial(x float64) bool {
	tol := (d.hi - d.lo) * d.cfg.SpatialTolerance
	out := d.hi > d.lo && (x > d.hi+tol || x < d.lo-tol)
	d.lo, d.hi = math.Min(d.lo, x), math.Max(d.hi, x)
	return out
}

// channel is a sequence model over one quantisation of the series: it
// counts which symbol followed each context of the last 0..order symbols.
type channel struct {
	levels, order int
	lo, width     float64
	hist          []int64 // recent symbols, newest last, at most order
	counts        map[uint64]int32
}

func newChannel(levels, order int) *channel {
	return &channel{levels: levels, order: order, counts: make(map[uint64]int32)}
}

func (c *channel) fit(lo, hi float64) {
	c.lo = lo
	c.width = (hi - lo) / float64(c.levels)
	if c.width == 0 {
		// A flat warm-up: any later movement of 1% is a new symbol.
		c.width = math.Max(math.Abs(lo)*0.01, 1e-9)
	}
}

// symbol quantises x; points outside the warm-up range get symbols of
// their own, so new levels are new symbols.
func (c *channel) symbol(x float64) int64 {
	return int64(math.Floor((x - c.lo) / c.width))
}

// novelty learns that s followed the recent symbols and returns the share
// of context lengths (0..order) under which s had never followed before.
func (c *channel) novelty(s int64) float64 {
	novel := 0
	h := uint64(14695981039346656037)
	for k := 0; k <= len(c.hist); k++ {
		if k > 0 {
			h = mix(h, uint64(c.hist[len(c.hist)-k]))
		}
		key := mix(mix(h, uint64(k)), uint64(s))
		if c.counts[key] == 0 {
			novel++
		}
		c.counts[key]++
	}
	c.hist = append(c.hist, s)
	if len(c.hist) > c.order {
		c.hist = c.hist[1:]
	}
	return float64(novel) / float64(c.order+1)
}

// mix folds v into the hash h (a 64-bit hash combine).
func mix(h, v uint64) uint64 {
	h ^= v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)
	return h * 1099511628211
}

// holt removes a level and trend that follow the series slowly (Holt's
// linear exponential smoothing). With alpha 0 it removes nothing.
type holt struct {
	alpha, beta  float64
	level, slope float64
}

// fit starts the level and trend from the warm-up points by least squares
// and returns their residuals.
func (h *holt) fit(xs []float64) []float64 {
	out := make([]float64, len(xs))
	if h.alpha <= 0 {
		copy(out, xs)
		return out
	}
	n := float64(len(xs))
	var st, sx, stt, stx float64
	for i, x := range xs {
		t := float64(i)
		st += t
		sx += x
		stt += t * t
		stx += t * x
	}
	b := (n*stx - st*sx) / (n*stt - st*st)
	a := (sx - b*st) / n
	for i, x := range xs {
		out[i] = x - (a + b*float64(i))
	}
	h.level = a + b*(n-1)
	h.slope = b
	return out
}

// residual returns x minus the forecast for it, then learns from x.
func (h *holt) residual(x float64) float64 {
	if h.alpha <= 0 {
		return x
	}
	forecast := h.level + h.slope
	r := x - forecast
	level := forecast + h.alpha*r
	h.slope += h.beta * (level - h.level - h.slope)
	h.level = level
	return r
}
