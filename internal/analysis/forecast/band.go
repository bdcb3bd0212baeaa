package forecast

import (
	"fmt"
	"math"
	"sort"
)

// CalibrationOrigins is how many past weekly forecasts per horizon
// calibrate the band.
const CalibrationOrigins = 13

// calibrationMinHistoryDays is the history a past forecast needs to take
// part in the calibration.
const calibrationMinHistoryDays = 91

// track is what the calibration keeps of a past forecast: its closing cash
// and model standard deviation per week.
type track struct {
	closing, sd []float64
}

type trackKey struct {
	cid  int64
	t    day
	opts string
}

// maxTracks bounds the calibration cache; it is emptied when full.
const maxTracks = 20000

// forecast makes company cid's forecast as of t and calibrates its band.
func (m *Model) forecast(cid int64, t day, opt Options) *Company {
	c := m.b.companyForecast(cid, t, opt)
	c.BandScale = m.bandScales(cid, t, opt)
	c.applyBand()
	return c
}

// trackAt returns the (cached) track of the forecast as of t.
func (m *Model) trackAt(cid int64, t day, opt Options) *track {
	key := trackKey{cid, t, fmt.Sprint(opt.Weeks, opt.RateWindowDays, opt.Disabled, opt.CommittedOnly)}
	m.mu.Lock()
	if m.tracks == nil || len(m.tracks) >= maxTracks {
		m.tracks = map[trackKey]*track{}
	}
	tr, ok := m.tracks[key]
	m.mu.Unlock()
	if ok {
		return tr
	}
	c := m.b.companyForecast(cid, t, opt)
	tr = &track{closing: make([]float64, len(c.Weeks)), sd: c.ModelSD}
	for i, w := range c.Weeks {
		tr.closing[i] = w.Closing
	}
	m.mu.Lock()
	m.tracks[key] = tr
	m.mu.Unlock()
	return tr
}

// bandScales calibrates the band on the model's own record, as known at
// t: for each horizon h, the forecasts made as of t-7h, t-7h-7, ... (the
// last CalibrationOrigins whose outcome is known at t) give errors in
// units of their ModelSD; the scale is the weighted conformal 80%
// quantile of those (pooled with the two neighbouring horizons on each
// side, each weighted by recency, the new forecast counting with weight 1)
// divided by BandZ. Without enough record the scale is 1: the model's own
// band.
func (m *Model) bandScales(cid int64, t day, opt Options) []float64 {
	ls := m.b.cash[cid]
	if len(ls) == 0 {
		return nil
	}
	first := ls[0].d
	popt := opt
	popt.Pipeline = false
	type wz struct{ z, w float64 }
	zs := make([][]wz, opt.Weeks)
	for h := 1; h <= opt.Weeks; h++ {
		for k := range CalibrationOrigins {
			tp := t - day(7*h+7*k)
			if tp < first+calibrationMinHistoryDays {
				break
			}
			tr := m.trackAt(cid, tp, popt)
			sd := tr.sd[h-1]
			if sd <= 0 {
				continue
			}
			actual := m.b.cashKnown(cid, tp+day(7*h), t)
			zs[h-1] = append(zs[h-1], wz{math.Abs(actual-tr.closing[h-1]) / sd, math.Exp2(-float64(k) / calibrationHalfLifeWeeks)})
		}
	}
	out := make([]float64, opt.Weeks)
	for h := range out {
		var pool []wz
		for j := max(0, h-2); j <= min(opt.Weeks-1, h+2); j++ {
			pool = append(pool, zs[j]...)
		}
		if len(pool) < 5 {
			out[h] = 1
			continue
		}
		sort.Slice(pool, func(a, b int) bool { return pool[a].z < pool[b].z })
		total := 1.0
		for _, p := range pool {
			total += p.w
		}
		q, cum := pool[len(pool)-1].z, 0.0
		for _, p := range pool {
			cum += p.w
			if cum >= 0.8*total {
				q = p.z
				break
			}
		}
		out[h] = math.Max(0.25, q/BandZ)
	}
	return out
}

// cashKnown returns the balance at the end of d as known at the end of
// known.
func (b *book) cashKnown(cid int64, d, known day) float64 {
	s := 0.0
	for _, l := range b.cash[cid] {
		if l.d > d {
			break
		}
		if l.created <= known {
			s += l.amt
		}
	}
	return s
}

// calibrationHalfLifeWeeks is the age (weeks before the latest) at which a
// past forecast's error weighs half in the calibration: errors drift, and
// the recent ones say more about the next.
const calibrationHalfLifeWeeks = 4.0
