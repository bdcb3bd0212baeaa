package sales

import (
	"context"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
)

// Deal states (Deal.State), as the analyzer classifies opportunities.
const (
	DealOpen   = dealOpen
	DealWon    = dealWon
	DealLost   = dealLost
	DealHidden = dealHidden
)

// Deal is an opportunity as the analyzer sees it, for figures over past
// periods (package history).
type Deal struct {
	ID, Company int64
	// State is DealOpen, DealWon, DealLost or DealHidden.
	State string
	// Expected is expected_revenue in company currency.
	Expected float64
	// Created is create_date (date_open when missing); Closed date_closed.
	Created, Closed time.Time
}

// LoadDeals reads the opportunities (leads not yet converted left out),
// classified as the analyzer does; ok is false without CRM.
func LoadDeals(ctx context.Context, src analysis.Source) ([]Deal, bool, error) {
	leads, ok, err := analysis.Optional(ctx, src, modelLead)
	if err != nil || !ok {
		return nil, ok, err
	}
	stageRecs, _, err := analysis.Optional(ctx, src, modelStage)
	if err != nil {
		return nil, false, err
	}
	stages := map[int64]*stage{}
	for _, s := range stageRecs {
		won, _ := s.Bool("is_won")
		stages[s.ID()] = &stage{id: s.ID(), won: won}
	}
	out := make([]Deal, 0, len(leads))
	for _, l := range leads {
		if fields.String(l, "type") == "lead" {
			continue
		}
		d := Deal{ID: l.ID(), Company: fields.M2OID(l, "company_id"), Expected: fields.Float(l, "expected_revenue"),
			Created: fields.Datetime(l, "create_date"), Closed: fields.Datetime(l, "date_closed")}
		if d.Created.IsZero() {
			d.Created = fields.Datetime(l, "date_open")
		}
		d.State = classify(l, stages[fields.M2OID(l, "stage_id")], fields.Float(l, "probability"))
		out = append(out, d)
	}
	return out, true, nil
}
