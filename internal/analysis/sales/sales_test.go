package sales

import (
	"context"
	"math"
	"slices"
	"sort"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

var today = odoo.Date{Year: 2025, Month: 3, Day: 31}

// at returns the datetime string of Today moved by days, at 10:00 UTC.
func at(days int) string { return today.AddDays(days).String() + " 10:00:00" }
func on(days int) string { return today.AddDays(days).String() }

// lead builds an open opportunity of company 1 with the given fields.
func lead(id int64, fields map[string]any) odoo.Record {
	r := odoo.Record{"id": id, "name": "Deal", "type": "opportunity", "company_id": int64(1), "stage_id": int64(1), "user_id": int64(7),
		"expected_revenue": 1000.0, "probability": 10.0, "active": true, "create_date": at(-60), "date_last_stage_update": at(-60),
		"date_closed": false, "date_deadline": false, "lost_reason_id": false}
	for k, v := range fields {
		r[k] = v
	}
	return r
}

func baseSource() analysis.MapSource {
	return analysis.MapSource{
		"res.company":     {{"id": int64(1), "currency_id": int64(1)}, {"id": int64(2), "currency_id": int64(2)}},
		"res.currency":    {{"id": int64(1), "name": "EUR"}, {"id": int64(2), "name": "USD"}},
		"res.users":       {{"id": int64(7), "name": "Ann"}},
		"crm.lost.reason": {{"id": int64(1), "name": "Too expensive", "active": true}},
		"crm.stage": {
			{"id": int64(1), "name": "New", "sequence": int64(1), "is_won": false},
			{"id": int64(2), "name": "Qualified", "sequence": int64(2), "is_won": false},
			{"id": int64(3), "name": "Won", "sequence": int64(3), "is_won": true},
		},
	}
}

func run(t *testing.T, src analysis.MapSource, th map[string]float64) *analysis.Result {
	t.Helper()
	res, err := New().Analyze(context.Background(), &analysis.Env{Source: src, Today: today, Thresholds: th, OdooURL: "https://odoo.example"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func findMetric(res *analysis.Result, name string, company int64) (analysis.Metric, bool) {
	for _, m := range res.Metrics {
		if m.Name == name && m.CompanyID == company {
			return m, true
		}
	}
	return analysis.Metric{}, false
}

func TestFigures(t *testing.T) {
	src := baseSource()
	src["crm.lead"] = []odoo.Record{
		lead(1, map[string]any{"create_date": at(-29), "date_last_stage_update": at(-6)}),
		lead(2, map[string]any{"stage_id": int64(2), "expected_revenue": 5000.0, "probability": 40.0, "date_last_stage_update": at(-3),
			"date_deadline": on(45)}),
		// Won 29 days ago (in the 30-day window), created 29 days before.
		lead(3, map[string]any{"stage_id": int64(3), "probability": 100.0, "expected_revenue": 2000.0, "create_date": "2025-02-01 00:00:00",
			"date_closed": at(-29)}),
		// Lost exactly 30 days ago: outside the 30-day window, inside 90.
		lead(4, map[string]any{"stage_id": int64(2), "active": false, "probability": 0.0, "lost_reason_id": int64(1),
			"expected_revenue": 4000.0, "date_last_stage_update": at(-40), "date_closed": at(-30)}),
		// Archived but not lost (probability 50): ignored.
		lead(5, map[string]any{"active": false, "probability": 50.0}),
		// A lead, not an opportunity: not in the pipeline.
		lead(6, map[string]any{"type": "lead"}),
		lead(7, map[string]any{"company_id": int64(2), "expected_revenue": 3000.0, "create_date": at(-1), "date_last_stage_update": at(-1)}),
		// Lost 303 days ago without reason: in the 365-day figures only.
		lead(8, map[string]any{"active": false, "probability": 0.0, "date_last_stage_update": "2024-05-27 10:00:00",
			"date_closed": "2024-06-01 10:00:00"}),
	}
	src["mail.activity"] = []odoo.Record{
		{"id": int64(1), "res_model": "crm.lead", "res_id": int64(1), "date_deadline": on(-11), "user_id": int64(7), "active": true, "date_done": false},
		{"id": int64(2), "res_model": "crm.lead", "res_id": int64(2), "date_deadline": on(2), "user_id": int64(7), "active": true, "date_done": false},
		{"id": int64(3), "res_model": "account.move", "res_id": int64(1), "date_deadline": on(-50), "user_id": int64(7), "active": true},
	}
	inv := func(id int64, typ, state string, days int, amount float64, company int64) odoo.Record {
		return odoo.Record{"id": id, "move_type": typ, "state": state, "invoice_date": on(days), "date": on(days),
			"amount_untaxed_signed": amount, "company_id": company}
	}
	src["account.move"] = []odoo.Record{
		inv(1, "out_invoice", "posted", -10, 3000, 1),
		inv(2, "out_invoice", "posted", -40, 1500, 1),
		inv(3, "out_refund", "posted", -45, -300, 1),
		inv(4, "out_invoice", "posted", -70, 900, 1),
		inv(5, "out_invoice", "posted", -100, 1200, 1),
		inv(6, "out_invoice", "draft", -5, 99999, 1),
		inv(7, "in_invoice", "posted", -5, -5000, 1),
	}
	res := run(t, src, nil)
	tests := []struct {
		name    string
		company int64
		want    float64
		avail   bool
	}{
		{"sales.pipeline.count", 1, 2, true},
		{"sales.pipeline.expected_revenue", 1, 6000, true},
		{"sales.pipeline.weighted_revenue", 1, 2100, true}, // 1000×10% + 5000×40%
		{"sales.pipeline.stage.1.count", 1, 1, true},
		{"sales.pipeline.stage.2.weighted_revenue", 1, 2000, true},
		{"sales.pipeline.count", 2, 1, true},
		{"sales.pipeline.expected_revenue", 2, 3000, true},
		{"sales.deals.created_30d", 1, 1, true},
		{"sales.deals.won_30d", 1, 1, true},
		{"sales.deals.lost_30d", 1, 0, true},
		{"sales.deals.won_revenue_30d", 1, 2000, true},
		{"sales.deals.won_90d", 1, 1, true},
		{"sales.deals.lost_90d", 1, 1, true},
		{"sales.win_rate.90d", 1, 0.5, true},
		{"sales.deals.lost_365d", 1, 2, true},
		{"sales.win_rate.365d", 1, 0.3333, true},
		{"sales.win_rate.365d.user.7", 1, 0.3333, true},
		{"sales.win_rate.365d", 2, 0, false}, // nothing closed: not available, not zero
		{"sales.lost.365d.reason.1", 1, 1, true},
		{"sales.lost.365d.reason.0", 1, 1, true},
		{"sales.cycle_days.median_365d", 1, 29, true},
		{"sales.deals.stage_advances_30d", 1, 0, false}, // no chatter synced
		{"sales.forecast.pipeline_weighted_90d", 1, 2100, true},
		// Blocks of 30 days: 3000, 1500-300, 900, 1200; last three average 1700.
		{"sales.forecast.run_rate_monthly", 1, 1700, true},
		{"sales.forecast.revenue_90d", 1, 7200, true}, // 3 × 1700 + 2100
		// Variance: blocks 922500 × 3 + deals 0.09×1000² + 0.24×5000²; ± 1.2816 σ.
		{"sales.forecast.revenue_90d.low", 1, 3385.76, true},
		{"sales.forecast.revenue_90d.high", 1, 11014.24, true},
		{"sales.forecast.run_rate_monthly", 2, 0, true},
		{"sales.activities.overdue", 1, 1, true},
		{"sales.deals.without_next_activity", 2, 1, true},
		{"sales.deals.stalled", 1, 0, true},
		// Lost stays of 10 (stage 2) and 5 days (stage 1): too few per
		// stage, so both use the median of all, 7.5.
		{"sales.stage.1.normal_days", 0, 7.5, true},
	}
	for _, tt := range tests {
		m, ok := findMetric(res, tt.name, tt.company)
		if !ok {
			t.Errorf("%s (company %d): missing", tt.name, tt.company)
			continue
		}
		if m.Available != tt.avail || (tt.avail && math.Abs(m.Value-tt.want) > 0.005) {
			t.Errorf("%s (company %d) = %v (available %v), want %v (available %v)", tt.name, tt.company, m.Value, m.Available, tt.want, tt.avail)
		}
	}
	m, _ := findMetric(res, "sales.pipeline.expected_revenue", 2)
	if m.Unit != "USD" {
		t.Errorf("company 2 pipeline unit = %q, want USD", m.Unit)
	}
	var kinds []string
	for _, in := range res.Insights {
		kinds = append(kinds, in.Kind+"/"+in.Priority)
		if in.Kind == KindOverdueActivity && (in.Facts["oldest_days_overdue"] != 11 || in.Refs[0].IDs[0] != 1) {
			t.Errorf("overdue activity insight: %+v", in)
		}
	}
	sort.Strings(kinds)
	want := []string{"deal_without_next_activity/low", "sales_overdue_activity/low"}
	if !slices.Equal(kinds, want) {
		t.Errorf("insights %v, want %v", kinds, want)
	}
}

func TestWithoutCRM(t *testing.T) {
	res := run(t, analysis.MapSource{}, nil)
	if len(res.Metrics) != 1 || res.Metrics[0].Available || len(res.Insights) != 0 {
		t.Fatalf("without crm: %+v", res)
	}
}

func TestWonStatus19(t *testing.T) {
	tests := []struct {
		rec  odoo.Record
		want string
	}{
		{lead(1, map[string]any{"won_status": "won", "stage_id": int64(1)}), dealWon},
		{lead(1, map[string]any{"won_status": "lost", "active": false}), dealLost},
		{lead(1, map[string]any{"won_status": "pending"}), dealOpen},
		{lead(1, map[string]any{"won_status": "pending", "active": false, "probability": 30.0}), dealHidden},
		{lead(1, map[string]any{"stage_id": int64(3), "probability": 100.0}), dealWon},
		{lead(1, map[string]any{"active": false, "probability": 0.0}), dealLost},
	}
	stages := map[int64]*stage{1: {id: 1}, 3: {id: 3, won: true}}
	for i, tt := range tests {
		if got := classify(tt.rec, stages[fields.M2OID(tt.rec, "stage_id")], fields.Float(tt.rec, "probability")); got != tt.want {
			t.Errorf("%d: %s, want %s", i, got, tt.want)
		}
	}
}

// stallSource has five lost deals that stayed 4 to 8 days in stage 1, so
// the normal time is 6 days and the limit 18 days (stage 2 has no stays and
// uses the same median of all stays).
func stallSource() analysis.MapSource {
	src := baseSource()
	for i, stay := range []int{4, 5, 6, 7, 8} {
		src["crm.lead"] = append(src["crm.lead"], lead(int64(10+i), map[string]any{"active": false, "probability": 0.0,
			"date_last_stage_update": at(-100), "date_closed": at(-100 + stay)}))
	}
	src["mail.activity"] = nil
	src["mail.message"] = nil
	src["calendar.event"] = nil
	return src
}

func TestStalled(t *testing.T) {
	tests := []struct {
		name     string
		deal     map[string]any
		activity odoo.Record
		message  odoo.Record
		event    odoo.Record
		th       map[string]float64
		want     string // priority, "" when not stalled
	}{
		{name: "idle 19 days", deal: map[string]any{"date_last_stage_update": at(-19)}, want: "medium"},
		{name: "idle exactly the limit", deal: map[string]any{"date_last_stage_update": at(-18)}},
		{name: "activity due today", deal: map[string]any{"date_last_stage_update": at(-40)},
			activity: odoo.Record{"date_deadline": on(0), "active": true, "date_done": false}},
		{name: "only an overdue activity", deal: map[string]any{"date_last_stage_update": at(-40)},
			activity: odoo.Record{"date_deadline": on(-10), "active": true, "date_done": false}, want: "medium"},
		{name: "activity done 5 days ago", deal: map[string]any{"date_last_stage_update": at(-40)},
			activity: odoo.Record{"date_deadline": on(-6), "active": false, "date_done": on(-5)}},
		{name: "e-mail logged 3 days ago", deal: map[string]any{"date_last_stage_update": at(-40)},
			message: odoo.Record{"message_type": "email", "date": at(-3), "tracking": false}},
		{name: "system notification does not count", deal: map[string]any{"date_last_stage_update": at(-40)},
			message: odoo.Record{"message_type": "notification", "date": at(-3), "tracking": false}, want: "medium"},
		{name: "meeting tomorrow", deal: map[string]any{"date_last_stage_update": at(-40)},
			event: odoo.Record{"opportunity_id": int64(100), "start": at(1), "active": true}},
		{name: "meeting 30 days ago", deal: map[string]any{"date_last_stage_update": at(-40)},
			event: odoo.Record{"opportunity_id": int64(100), "start": at(-30), "active": true}, want: "medium"},
		{name: "stage without stays, high value", deal: map[string]any{"stage_id": int64(2), "date_last_stage_update": at(-19),
			"expected_revenue": 50000.0}, want: "high"},
		{name: "won deal", deal: map[string]any{"stage_id": int64(3), "probability": 100.0, "date_last_stage_update": at(-90)}},
		{name: "lead, not opportunity", deal: map[string]any{"type": "lead", "date_last_stage_update": at(-90)}},
		{name: "factor 4", deal: map[string]any{"date_last_stage_update": at(-19)}, th: map[string]float64{ThresholdStallFactor: 4}},
		{name: "minimum idle days", deal: map[string]any{"date_last_stage_update": at(-19)}, th: map[string]float64{ThresholdStallMinDays: 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := stallSource()
			src["crm.lead"] = append(src["crm.lead"], lead(100, tt.deal))
			if tt.activity != nil {
				tt.activity["id"], tt.activity["res_model"], tt.activity["res_id"], tt.activity["user_id"] = int64(1), "crm.lead", int64(100), int64(7)
				src["mail.activity"] = []odoo.Record{tt.activity}
			}
			if tt.message != nil {
				tt.message["id"], tt.message["model"], tt.message["res_id"] = int64(1), "crm.lead", int64(100)
				src["mail.message"] = []odoo.Record{tt.message}
			}
			if tt.event != nil {
				tt.event["id"] = int64(1)
				src["calendar.event"] = []odoo.Record{tt.event}
			}
			res := run(t, src, tt.th)
			var got string
			for _, in := range res.Insights {
				if in.Kind != KindStalledDeal {
					continue
				}
				if in.Subject != "crm.lead:100" || in.Refs[0].Model != "crm.lead" || in.Refs[0].IDs[0] != 100 ||
					in.Refs[0].URL != "https://odoo.example/web#id=100&model=crm.lead&view_type=form" {
					t.Errorf("insight %+v", in)
				}
				if in.Facts["normal_days"] != 6 || in.Facts["limit_days"] < 18 {
					t.Errorf("facts %v", in.Facts)
				}
				got = in.Priority
			}
			if got != tt.want {
				t.Errorf("stalled priority %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStageHistory(t *testing.T) {
	src := baseSource()
	src["crm.lead"] = []odoo.Record{
		lead(1, map[string]any{"stage_id": int64(3), "probability": 100.0, "create_date": "2025-01-01 00:00:00", "date_closed": "2025-01-10 12:00:00"}),
		lead(2, map[string]any{"stage_id": int64(2), "create_date": at(-20), "date_last_stage_update": at(-10)}),
		// A lost deal whose stay would give another normal time: the
		// history wins.
		lead(3, map[string]any{"active": false, "probability": 0.0, "date_last_stage_update": at(-100), "date_closed": at(-50)}),
	}
	msg := func(id, res int64, date, tracking string) odoo.Record {
		return odoo.Record{"id": id, "model": "crm.lead", "res_id": res, "date": date, "message_type": "notification", "tracking": tracking}
	}
	src["mail.message"] = []odoo.Record{
		msg(1, 1, "2025-01-04 12:00:00", "Stage: New -> Qualified"),
		msg(2, 1, "2025-01-10 12:00:00", "Stage: Qualified -> Won"),
		msg(3, 2, at(-10), "Stage: New -> Qualified"),
		msg(4, 2, at(-9), "Lead created"),
	}
	res := run(t, src, map[string]float64{ThresholdStageMinSamples: 1})
	for name, want := range map[string]float64{
		"sales.stage.1.normal_days": 6.75, // stays 3.5 (lead 1) and 10 (lead 2)
		"sales.stage.2.normal_days": 6,    // lead 1 from Jan 4 12:00 to Jan 10 12:00
	} {
		m, _ := findMetric(res, name, 0)
		if m.Value != want || m.Note == "" {
			t.Errorf("%s = %v (%s), want %v", name, m.Value, m.Note, want)
		}
	}
	if m, _ := findMetric(res, "sales.deals.stage_advances_30d", 1); !m.Available || m.Value != 1 {
		t.Errorf("stage advances %+v, want 1", m)
	}
	if got, ok := stageFrom("probability: 10 -> 30\nStage: Proposition -> Negotiation"); !ok || got != "Proposition" {
		t.Errorf("stageFrom = %q, %v", got, ok)
	}
}
