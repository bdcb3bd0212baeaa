package actions

import (
	"context"
	"fmt"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// ImpactRate is the impact of one action type's actions executed in a
// period, for the Analytics page.
type ImpactRate struct {
	Type  Type
	Label string
	// Executed counts the actions executed in the period, rolled back or
	// not; the five counts below add up to it.
	Executed    int
	Improved    int
	NotImproved int
	// Pending counts actions whose window is still open (or not yet
	// checked).
	Pending int
	// Unknown counts actions whose outcome cannot be told: the record is
	// gone from Odoo or not synced, or the action has no measure.
	Unknown int
	// RolledBack counts the actions rolled back: excluded from the rate.
	RolledBack int
	// Rate is Improved / (Improved + NotImproved), between 0 and 1; it is
	// 0 when Decided is 0, which a page shows as no rate yet.
	Rate float64
}

// Decided is the number of actions the rate is computed on.
func (r ImpactRate) Decided() int { return r.Improved + r.NotImproved }

// ImpactRates returns, per action type in display order (every type, with
// zero counts when none ran), the impact of the connection's actions
// executed at or after since: how many improved the situation they
// addressed, did not, are still watched, cannot be told or were rolled
// back, and the improvement rate. EvaluateImpact keeps the outcomes up to
// date.
func (s *Service) ImpactRates(ctx context.Context, connectionID int64, since time.Time) ([]ImpactRate, error) {
	counts, err := s.cfg.Store.ActionImpactCounts(ctx, connectionID, since)
	if err != nil {
		return nil, fmt.Errorf("actions: impact rates: %w", err)
	}
	out := make([]ImpactRate, 0, len(s.cfg.Kinds.list))
	index := map[string]int{}
	for _, info := range s.cfg.Kinds.Types() {
		index[string(info.Type)] = len(out)
		out = append(out, ImpactRate{Type: info.Type, Label: info.Label})
	}
	for _, c := range counts {
		i, ok := index[c.ActionType]
		if !ok { // a type this version no longer knows
			i = len(out)
			index[c.ActionType] = i
			out = append(out, ImpactRate{Type: Type(c.ActionType), Label: c.ActionType})
		}
		r := &out[i]
		r.Executed += c.N
		switch {
		case c.Status == store.ActionRolledBack:
			r.RolledBack += c.N
		case c.ImpactStatus == store.ImpactImproved:
			r.Improved += c.N
		case c.ImpactStatus == store.ImpactNotImproved:
			r.NotImproved += c.N
		case c.ImpactStatus == store.ImpactUnknown:
			r.Unknown += c.N
		default: // pending, or not checked yet
			r.Pending += c.N
		}
	}
	for i := range out {
		if d := out[i].Decided(); d > 0 {
			out[i].Rate = float64(out[i].Improved) / float64(d)
		}
	}
	return out, nil
}
