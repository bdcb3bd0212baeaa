package odoo

import (
	"context"
	"iter"
	"time"
)

// Won statuses of a lead.
const (
	WonStatusPending = "pending"
	WonStatusWon     = "won"
	WonStatusLost    = "lost"
)

// Lead is a crm.lead (a lead or an opportunity).
type Lead struct {
	ID   int64
	Name string
	// Type is lead or opportunity.
	Type            string
	Stage           Many2One
	Team            Many2One
	Salesperson     Many2One // user_id
	Partner         Many2One
	Company         Many2One
	Probability     float64
	ExpectedRevenue float64
	ProratedRevenue float64
	Priority        string
	DateDeadline    Date // expected closing
	DateOpen        time.Time
	DateClosed      time.Time
	DateLastStage   time.Time
	CreateDate      time.Time
	Active          bool
	LostReason      Many2One
	// WonStatus is pending, won or lost: read from won_status on 19+,
	// derived on 16-18 (won: active in a won stage; lost: archived with
	// probability 0).
	WonStatus string
}

// Leads reads crm.lead records. Lost leads are archived: set
// opts.IncludeArchived to see them.
func (c *Client) Leads(ctx context.Context, opts ListOpts) iter.Seq2[Lead, error] {
	var wonStages map[int64]bool
	return func(yield func(Lead, error) bool) {
		_, _, info, err := c.connected("search_read", "crm.lead")
		if err != nil {
			yield(Lead{}, err)
			return
		}
		if !info.Version.AtLeast(19, 0) && info.HasModule("crm") {
			// 16-18 have no won_status: learn which stages are won.
			stages, err := Collect(c.CRMStages(ctx, ListOpts{Context: opts.Context}))
			if err != nil {
				yield(Lead{}, err)
				return
			}
			wonStages = map[int64]bool{}
			for _, s := range stages {
				wonStages[s.ID] = s.IsWon
			}
		}
		seq := list(c, ctx, readerSpec[Lead]{
			model:   "crm.lead",
			modules: []string{"crm"},
			fields: func(info *ServerInfo) []string {
				f := []string{"name", "type", "stage_id", "team_id", "user_id", "partner_id", "company_id",
					"probability", "expected_revenue", "prorated_revenue", "priority", "date_deadline",
					"date_open", "date_closed", "date_last_stage_update", "create_date", "active", "lost_reason_id"}
				if info.Version.AtLeast(19, 0) {
					f = append(f, "won_status")
				}
				return f
			},
			decode: func(d *recordDecoder, _ *ServerInfo) Lead {
				l := Lead{
					ID:              d.id(),
					Name:            d.str("name"),
					Type:            d.str("type"),
					Stage:           d.m2o("stage_id"),
					Team:            d.m2o("team_id"),
					Salesperson:     d.m2o("user_id"),
					Partner:         d.m2o("partner_id"),
					Company:         d.m2o("company_id"),
					Probability:     d.float("probability"),
					ExpectedRevenue: d.float("expected_revenue"),
					ProratedRevenue: d.float("prorated_revenue"),
					Priority:        d.str("priority"),
					DateDeadline:    d.date("date_deadline"),
					DateOpen:        d.datetime("date_open"),
					DateClosed:      d.datetime("date_closed"),
					DateLastStage:   d.datetime("date_last_stage_update"),
					CreateDate:      d.datetime("create_date"),
					Active:          d.bool("active"),
					LostReason:      d.m2o("lost_reason_id"),
				}
				switch {
				case d.has("won_status"):
					l.WonStatus = d.str("won_status")
				case l.Active && wonStages[l.Stage.ID]:
					l.WonStatus = WonStatusWon
				case !l.Active && l.Probability == 0:
					l.WonStatus = WonStatusLost
				default:
					l.WonStatus = WonStatusPending
				}
				return l
			},
		}, opts)
		for l, err := range seq {
			if !yield(l, err) || err != nil {
				return
			}
		}
	}
}

// CRMStage is a crm.stage.
type CRMStage struct {
	ID       int64
	Name     string
	Sequence int64
	IsWon    bool
	Fold     bool
	// Team is zero for stages shared by all teams.
	Team Many2One
}

// CRMStages reads crm.stage records.
func (c *Client) CRMStages(ctx context.Context, opts ListOpts) iter.Seq2[CRMStage, error] {
	return list(c, ctx, readerSpec[CRMStage]{
		model:   "crm.stage",
		modules: []string{"crm"},
		fields:  fieldsFor("name", "sequence", "is_won", "fold", "team_id"),
		decode: func(d *recordDecoder, _ *ServerInfo) CRMStage {
			return CRMStage{
				ID:       d.id(),
				Name:     d.str("name"),
				Sequence: d.int("sequence"),
				IsWon:    d.bool("is_won"),
				Fold:     d.bool("fold"),
				Team:     d.m2o("team_id"),
			}
		},
	}, opts)
}
