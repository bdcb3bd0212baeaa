package sales

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Threshold names (settings of a connection) and their defaults.
const (
	// ThresholdStallFactor is how many times the normal time in its stage a
	// deal must go without stage change or activity to be stalled.
	ThresholdStallFactor = "sales.stall_factor"
	// StallFactorDefault is the default of ThresholdStallFactor.
	StallFactorDefault = 3.0

	// ThresholdStallMinDays is the fewest idle days that can make a deal
	// stalled, whatever its stage's normal time.
	ThresholdStallMinDays = "sales.stall_min_days"
	// StallMinDaysDefault is the default of ThresholdStallMinDays.
	StallMinDaysDefault = 7.0

	// ThresholdStageMinSamples is how many completed stays a stage needs
	// before its own normal time is used; with fewer, the normal time of
	// all stages together is used.
	ThresholdStageMinSamples = "sales.stage_min_samples"
	// StageMinSamplesDefault is the default of ThresholdStageMinSamples.
	StageMinSamplesDefault = 5.0

	// ThresholdStageNormalDays is the normal time in a stage assumed when
	// the data has no completed stays at all.
	ThresholdStageNormalDays = "sales.stage_normal_days"
	// StageNormalDaysDefault is the default of ThresholdStageNormalDays.
	StageNormalDaysDefault = 14.0

	// ThresholdHighValueDeal is the expected revenue (company currency)
	// from which a stalled deal has high priority.
	ThresholdHighValueDeal = "sales.high_value_deal"
	// HighValueDealDefault is the default of ThresholdHighValueDeal.
	HighValueDealDefault = 30000.0

	// ThresholdForecastDays is the forecast horizon in days.
	ThresholdForecastDays = "sales.forecast_days"
	// ForecastDaysDefault is the default of ThresholdForecastDays.
	ForecastDaysDefault = 90.0

	// ThresholdForecastZ is the normal quantile of the forecast interval.
	ThresholdForecastZ = "sales.forecast_z"
	// ForecastZDefault gives an 80% interval (the 10th to 90th percentile).
	ForecastZDefault = 1.2816

	// ThresholdOverdueActivityDays is how many days overdue an activity
	// must be to raise a salesperson's next-action insight to medium.
	ThresholdOverdueActivityDays = "sales.overdue_activity_days"
	// OverdueActivityDaysDefault is the default of ThresholdOverdueActivityDays.
	OverdueActivityDaysDefault = 14.0
)

// Insight kinds of this analyzer.
const (
	KindStalledDeal      = "stalled_deal"
	KindOverdueActivity  = "sales_overdue_activity"
	KindNoNextActivity   = "deal_without_next_activity"
	modelLead            = "crm.lead"
	modelStage           = "crm.stage"
	modelActivity        = "mail.activity"
	modelUser            = "res.users"
	modelMove            = "account.move"
	modelLostReason      = "crm.lost.reason"
	dealOpen, dealWon    = "open", "won"
	dealLost, dealHidden = "lost", "archived"
)

// New returns the sales analyzer.
func New() analysis.Analyzer { return analyzer{} }

type analyzer struct{}

func (analyzer) Area() string { return "sales" }

// stage is a crm.stage.
type stage struct {
	id       int64
	name     string
	sequence int64
	won      bool
}

// deal is a crm.lead of type opportunity with what the analyzer derives.
type deal struct {
	id, company, stage, user, reason int64
	name                             string
	state                            string // dealOpen, dealWon, dealLost or dealHidden
	expected, prob                   float64
	created, stageUpdate, closed     time.Time
	deadline                         odoo.Date
	// lastTouch is the latest stage change, done activity, logged message
	// or past meeting; planned is true with an open activity due today or
	// later or a meeting to come.
	lastTouch time.Time
	planned   bool
	openActs  []activity
}

// activity is an open mail.activity on a deal.
type activity struct {
	id, user int64
	deadline odoo.Date
}

// invoice is a posted customer invoice or credit note.
type invoice struct {
	company int64
	day     odoo.Date
	entered odoo.Date // create_date: an invoice backdated later was not known on its day
	untaxed float64   // amount_untaxed_signed: company currency, credit notes negative
}

// data is everything the analyzer reads.
type data struct {
	stages     map[int64]*stage
	deals      []*deal
	byID       map[int64]*deal
	currency   map[int64]string
	userNames  map[int64]string
	reasonName map[int64]string
	history    bool // stage-change tracking messages were found
	messages   []odoo.Record
	invoices   []invoice
	hasMoves   bool
	hasActs    bool
}

func (analyzer) Analyze(ctx context.Context, env *analysis.Env) (*analysis.Result, error) {
	res := &analysis.Result{Area: "sales"}
	d, ok, err := load(ctx, env)
	if err != nil {
		return nil, fmt.Errorf("sales: %w", err)
	}
	if !ok {
		res.Metrics = append(res.Metrics, analysis.Metric{Name: "sales.pipeline.count", Unit: "count", Note: "CRM is not installed"})
		return res, nil
	}
	norms := learnNorms(env, d)
	companies := map[int64]bool{}
	for _, dl := range d.deals {
		companies[dl.company] = true
	}
	for _, inv := range d.invoices {
		companies[inv.company] = true
	}
	ids := make([]int64, 0, len(companies))
	for c := range companies {
		ids = append(ids, c)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, c := range ids {
		pipelineMetrics(env, d, c, res)
		progressMetrics(env, d, c, res)
		winLossMetrics(env, d, c, res)
		forecastMetrics(env, d, c, res)
	}
	stalled := detectStalled(env, d, norms, res)
	nextActions(env, d, stalled, res)
	normMetrics(env, d, norms, res)
	res.Sort()
	return res, nil
}

// load reads the records. ok is false when CRM is not installed.
func load(ctx context.Context, env *analysis.Env) (*data, bool, error) {
	src := env.Source
	leads, ok, err := analysis.Optional(ctx, src, modelLead)
	if err != nil || !ok {
		return nil, false, err
	}
	stageRecs, _, err := analysis.Optional(ctx, src, modelStage)
	if err != nil {
		return nil, false, err
	}
	d := &data{stages: map[int64]*stage{}, byID: map[int64]*deal{}, userNames: map[int64]string{}, reasonName: map[int64]string{}}
	for _, s := range stageRecs {
		won, _ := s.Bool("is_won")
		seq, _ := s.Int("sequence")
		d.stages[s.ID()] = &stage{id: s.ID(), name: fields.String(s, "name"), sequence: seq, won: won}
	}
	if d.currency, err = fields.Currencies(ctx, src); err != nil {
		return nil, false, err
	}
	users, _, err := analysis.Optional(ctx, src, modelUser)
	if err != nil {
		return nil, false, err
	}
	for _, u := range users {
		d.userNames[u.ID()] = fields.String(u, "name")
	}
	reasons, _, err := analysis.Optional(ctx, src, modelLostReason)
	if err != nil {
		return nil, false, err
	}
	for _, r := range reasons {
		d.reasonName[r.ID()] = fields.String(r, "name")
	}
	for _, l := range leads {
		if fields.String(l, "type") == "lead" {
			continue // a lead is not in the pipeline until converted
		}
		dl := &deal{id: l.ID(), company: fields.M2OID(l, "company_id"), stage: fields.M2OID(l, "stage_id"), user: fields.M2OID(l, "user_id"),
			reason: fields.M2OID(l, "lost_reason_id"), name: fields.String(l, "name"), expected: fields.Float(l, "expected_revenue"),
			prob: fields.Float(l, "probability"), created: fields.Datetime(l, "create_date"), stageUpdate: fields.Datetime(l, "date_last_stage_update"),
			closed: fields.Datetime(l, "date_closed"), deadline: fields.Date(l, "date_deadline")}
		if dl.created.IsZero() {
			dl.created = fields.Datetime(l, "date_open")
		}
		if dl.stageUpdate.IsZero() {
			dl.stageUpdate = dl.created
		}
		if m := fields.M2OName(l, "user_id"); m != "" && d.userNames[dl.user] == "" {
			d.userNames[dl.user] = m
		}
		if s := d.stages[dl.stage]; s == nil && dl.stage != 0 {
			d.stages[dl.stage] = &stage{id: dl.stage, name: fields.M2OName(l, "stage_id")}
		}
		dl.state = classify(l, d.stages[dl.stage], dl.prob)
		dl.lastTouch = dl.stageUpdate
		d.deals = append(d.deals, dl)
		d.byID[dl.id] = dl
	}
	if err := loadActivities(ctx, env, d); err != nil {
		return nil, false, err
	}
	if d.invoices, d.hasMoves, err = loadInvoices(ctx, src); err != nil {
		return nil, false, err
	}
	return d, true, nil
}

// loadInvoices reads the posted customer invoices and credit notes. ok is
// false when invoicing is not installed.
func loadInvoices(ctx context.Context, src analysis.Source) ([]invoice, bool, error) {
	moves, ok, err := analysis.Optional(ctx, src, modelMove)
	if err != nil || !ok {
		return nil, ok, err
	}
	var out []invoice
	for _, m := range moves {
		if t := fields.String(m, "move_type"); t != "out_invoice" && t != "out_refund" {
			continue
		}
		if fields.String(m, "state") != "posted" {
			continue
		}
		day := fields.Date(m, "invoice_date")
		if day.IsZero() {
			day = fields.Date(m, "date")
		}
		out = append(out, invoice{company: fields.M2OID(m, "company_id"), day: day, entered: fields.Day(fields.Datetime(m, "create_date")),
			untaxed: fields.Float(m, "amount_untaxed_signed")})
	}
	return out, true, nil
}

// classify returns the state of a deal: Odoo 19's won_status when present,
// else won when in a won stage, lost when archived with probability 0,
// archived (ignored) when archived otherwise, and open.
func classify(l odoo.Record, s *stage, prob float64) string {
	switch fields.String(l, "won_status") {
	case "won":
		return dealWon
	case "lost":
		return dealLost
	case "pending":
		if fields.Active(l) {
			return dealOpen
		}
		return dealHidden
	}
	switch {
	case s != nil && s.won && (fields.Active(l) || prob == 100):
		return dealWon
	case !fields.Active(l) && prob == 0:
		return dealLost
	case !fields.Active(l):
		return dealHidden
	}
	return dealOpen
}

// loadActivities reads the deals' open and done activities, chatter
// messages and meetings into lastTouch and planned.
func loadActivities(ctx context.Context, env *analysis.Env, d *data) error {
	src := env.Source
	today := env.Today
	acts, ok, err := analysis.Optional(ctx, src, modelActivity)
	if err != nil {
		return err
	}
	d.hasActs = ok
	for _, a := range acts {
		if fields.String(a, "res_model") != modelLead {
			continue
		}
		rid, _ := a.Int("res_id")
		dl := d.byID[rid]
		if dl == nil {
			continue
		}
		if done := fields.Date(a, "date_done"); !done.IsZero() || !fields.Active(a) {
			// A done activity (kept archived in 17+) is activity on the deal.
			if done.IsZero() {
				continue
			}
			touch(dl, done.In(time.UTC))
			continue
		}
		dl.openActs = append(dl.openActs, activity{id: a.ID(), user: fields.M2OID(a, "user_id"), deadline: fields.Date(a, "date_deadline")})
		if dl.openActs[len(dl.openActs)-1].deadline.Compare(today) >= 0 {
			dl.planned = true
		}
	}
	msgs, _, err := analysis.Optional(ctx, src, "mail.message")
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if fields.String(m, "model") != modelLead {
			continue
		}
		rid, _ := m.Int("res_id")
		dl := d.byID[rid]
		if dl == nil {
			continue
		}
		if strings.Contains(fields.String(m, "tracking"), "Stage:") {
			d.messages = append(d.messages, m)
			continue
		}
		// Logged e-mails and comments are contact with the customer;
		// system notifications are not.
		if t := fields.String(m, "message_type"); t == "comment" || t == "email" || t == "email_outgoing" {
			touch(dl, fields.Datetime(m, "date"))
		}
	}
	events, _, err := analysis.Optional(ctx, src, "calendar.event")
	if err != nil {
		return err
	}
	end := today.AddDays(1).In(time.UTC)
	for _, e := range events {
		rid := fields.M2OID(e, "opportunity_id")
		if rid == 0 && fields.String(e, "res_model") == modelLead {
			id, _ := e.Int("res_id")
			rid = id
		}
		dl := d.byID[rid]
		if dl == nil || !fields.Active(e) {
			continue
		}
		start := fields.Datetime(e, "start")
		if start.IsZero() {
			start = fields.Date(e, "start_date").In(time.UTC)
		}
		if !start.Before(today.In(time.UTC)) {
			dl.planned = true
		}
		if start.Before(end) {
			touch(dl, start)
		}
	}
	return nil
}

func touch(dl *deal, t time.Time) {
	if t.After(dl.lastTouch) {
		dl.lastTouch = t
	}
}

// metric builds an available metric.
func metric(name string, v float64, unit string, company int64, refs ...analysis.Ref) analysis.Metric {
	return analysis.Metric{Name: name, Value: fields.Round2(v), Unit: unit, CompanyID: company, Available: true, Refs: refs}
}
