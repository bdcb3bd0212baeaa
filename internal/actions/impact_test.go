package actions_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// impactModels are the models and fields impact is judged from (the app
// syncs these and more).
func impactModels() []odoosync.ModelSpec {
	return []odoosync.ModelSpec{
		{Model: "account.move", Fields: []string{"name", "state", "payment_state", "amount_residual"}},
		{Model: "crm.stage", Fields: []string{"name", "is_won"}},
		{Model: "crm.lead", Fields: []string{"name", "stage_id", "probability", "won_status", "date_last_stage_update", "date_closed"}},
		{Model: "product.product", Fields: []string{"name"}},
		{Model: "stock.location", Fields: []string{"name", "usage"}},
		{Model: "stock.quant", Fields: []string{"product_id", "location_id", "quantity"}},
		{Model: "purchase.order", Fields: []string{"name", "state", "receipt_status"}},
		{Model: "res.partner", Fields: []string{"name"}},
		{Model: "sale.order", Fields: []string{"name", "state", "partner_id", "partner_invoice_id", "date_order"}},
	}
}

// TestImpact executes follow-ups on overdue invoices, a meeting on a
// stalled deal, a draft RFQ and a note on a sales order in the simulator,
// changes Odoo as the customer, the salesperson and the warehouse would,
// syncs it into the store and checks each action's impact over time.
func TestImpact(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo company")
	}
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: demoToday.Add(32 * time.Hour)}
			st := storetest.Open(t, d, func(c *store.Config) { c.NowFunc = clk.Now })
			e := newEnvClock(t, st, odoo.ProtocolJSONRPC, clk)
			testImpact(t, e)
		})
	}
}

func testImpact(t *testing.T, e *env) {
	ctx := context.Background()
	e.setAll(t, actions.ModeAuto)
	syncer, err := odoosync.New(odoosync.Config{Store: e.st, Client: e.client, ConnectionID: e.conn, Models: impactModels(),
		SettleDelay: -1, PageSize: 5000, NowFunc: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	sync := func() {
		t.Helper()
		if _, err := syncer.Sync(ctx, odoosync.Opts{}); err != nil {
			t.Fatal(err)
		}
	}
	// Three follow-ups on distinct invoices (paid in time, never paid, paid
	// late), one meeting, one RFQ.
	var followUps []actions.Proposal
	picked := map[actions.Type]actions.Proposal{}
	for _, p := range e.proposals(t) {
		switch {
		case p.Type == actions.TypeFollowUpActivity && len(followUps) < 3:
			followUps = append(followUps, p)
		case p.Type == actions.TypeDealMeeting || p.Type == actions.TypeDraftRFQ:
			if _, ok := picked[p.Type]; !ok {
				picked[p.Type] = p
			}
		}
	}
	if len(followUps) < 3 || len(picked) < 2 {
		t.Fatalf("the demo company gives %d follow-ups and %d of meeting/RFQ", len(followUps), len(picked))
	}
	orders, err := e.client.Search(ctx, "sale.order", domain.True(), odoo.SearchReadOpts{Limit: 1})
	if err != nil || len(orders) == 0 {
		t.Fatalf("no sales order: %v", err)
	}
	note := actions.Proposal{Type: actions.TypeChatterNote, Subject: "sale.order:note", Source: "user:ann", Title: "Note on an order",
		TargetModel: "sale.order", TargetID: orders[0], Params: actions.Params{Model: "sale.order", ResID: orders[0], Body: "Check the delivery"}}
	// A note on an invoice, rolled back.
	undoNote := actions.Proposal{Type: actions.TypeChatterNote, Subject: "account.move:undo", Source: "user:ann", Title: "Note on an invoice",
		TargetModel: "account.move", TargetID: followUps[1].TargetID,
		Params: actions.Params{Model: "account.move", ResID: followUps[1].TargetID, Body: "Called the customer"}}
	run := func(p actions.Proposal) *store.Action {
		t.Helper()
		a, _, err := e.svc.Propose(ctx, e.conn, p)
		if err != nil {
			t.Fatal(err)
		}
		if a, err = e.svc.Execute(ctx, e.conn, a.ID); err != nil || a.Status != store.ActionExecuted {
			t.Fatalf("execute %s: %v", p.Key(), err)
		}
		return a
	}
	paid, unpaid, late, undone := run(followUps[0]), run(followUps[1]), run(followUps[2]), run(undoNote)
	meeting, rfq, other := run(picked[actions.TypeDealMeeting]), run(picked[actions.TypeDraftRFQ]), run(note)
	if _, err := e.svc.Rollback(ctx, e.conn, undone.ID, e.admin); err != nil {
		t.Fatal(err)
	}

	evaluate := func(want map[*store.Action]string) *actions.ImpactReport {
		t.Helper()
		rep, err := e.svc.EvaluateImpact(ctx, e.conn)
		if err != nil {
			t.Fatal(err)
		}
		for a, status := range want {
			got, err := e.st.ActionByID(ctx, e.conn, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ImpactStatus != status || got.ImpactNote == "" || !got.ImpactCheckedAt.Equal(e.clock.Now()) && status == store.ImpactPending {
				t.Errorf("%s (%s) at %s: impact %s (%q, checked %s), want %s", a.IdempotencyKey, a.ActionType,
					e.clock.Now().Format(time.DateTime), got.ImpactStatus, got.ImpactNote, got.ImpactCheckedAt.Format(time.DateTime), status)
			}
		}
		return rep
	}

	// Before any sync nothing can be told yet: the models are not synced.
	evaluate(map[*store.Action]string{paid: store.ImpactPending, meeting: store.ImpactPending, undone: store.ImpactExcluded})
	sync()
	evaluate(map[*store.Action]string{paid: store.ImpactPending, unpaid: store.ImpactPending, late: store.ImpactPending,
		meeting: store.ImpactPending, rfq: store.ImpactPending, other: store.ImpactUnknown, undone: store.ImpactExcluded})

	// Three days later the first invoice is paid and the deal moves on.
	e.clock.Add(3 * 24 * time.Hour)
	if err := e.client.Write(ctx, "account.move", []int64{paid.TargetID}, map[string]any{"payment_state": "paid", "amount_residual": 0}, nil); err != nil {
		t.Fatal(err)
	}
	stages, err := e.client.Search(ctx, "crm.stage", domain.True(), odoo.SearchReadOpts{Order: "sequence desc, id desc"})
	if err != nil {
		t.Fatal(err)
	}
	lead := e.read(t, "crm.lead", meeting.TargetID, "stage_id")
	cur, _ := lead.Many2One("stage_id")
	next := stages[0]
	if next == cur.ID {
		next = stages[1]
	}
	if err := e.client.Write(ctx, "crm.lead", []int64{meeting.TargetID}, map[string]any{"stage_id": next,
		"date_last_stage_update": odoo.FormatDatetime(e.clock.Now())}, nil); err != nil {
		t.Fatal(err)
	}
	sync()
	rep := evaluate(map[*store.Action]string{paid: store.ImpactImproved, unpaid: store.ImpactPending, meeting: store.ImpactImproved})
	if rep.Checked != 5 || rep.Improved != 2 || rep.Pending != 3 {
		t.Errorf("report at day 3: %+v, want 5 checked, 2 improved, 3 pending (two invoices and the RFQ)", rep)
	}

	// The product runs out before the RFQ's lead time is over.
	quants, err := e.client.Search(ctx, "stock.quant", domain.Cond("product_id", domain.OpEq, rfq.TargetID), odoo.SearchReadOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.client.Write(ctx, "stock.quant", quants, map[string]any{"quantity": 0}, nil); err != nil {
		t.Fatal(err)
	}
	sync()
	evaluate(map[*store.Action]string{rfq: store.ImpactNotImproved})

	// After the window the third invoice is paid, too late; until a sync
	// after the window the unpaid ones stay pending.
	e.clock.Add(12 * 24 * time.Hour)
	if err := e.client.Write(ctx, "account.move", []int64{late.TargetID}, map[string]any{"payment_state": "in_payment"}, nil); err != nil {
		t.Fatal(err)
	}
	evaluate(map[*store.Action]string{unpaid: store.ImpactPending, late: store.ImpactPending})
	sync()
	evaluate(map[*store.Action]string{paid: store.ImpactImproved, unpaid: store.ImpactNotImproved, late: store.ImpactNotImproved})
	if rep, err := e.svc.EvaluateImpact(ctx, e.conn); err != nil || *rep != (actions.ImpactReport{}) {
		t.Fatalf("a second check after every outcome is decided: %+v %v", rep, err)
	}

	rates, err := e.svc.ImpactRates(ctx, e.conn, demoToday)
	if err != nil {
		t.Fatal(err)
	}
	if len(rates) != len(actions.Builtin().Types()) {
		t.Fatalf("%d rates, want one per type", len(rates))
	}
	want := map[actions.Type]actions.ImpactRate{
		actions.TypeFollowUpActivity: {Executed: 3, Improved: 1, NotImproved: 2, Rate: 1.0 / 3},
		actions.TypeDealMeeting:      {Executed: 1, Improved: 1, Rate: 1},
		actions.TypeDraftRFQ:         {Executed: 1, NotImproved: 1},
		actions.TypeChatterNote:      {Executed: 2, Unknown: 1, RolledBack: 1},
	}
	for _, r := range rates {
		w := want[r.Type]
		w.Type, w.Label = r.Type, r.Label
		if math.Abs(r.Rate-w.Rate) > 1e-9 {
			t.Errorf("%s rate %v, want %v", r.Type, r.Rate, w.Rate)
		}
		r.Rate, w.Rate = 0, 0
		if r != w {
			t.Errorf("%s: %+v, want %+v", r.Type, r, w)
		}
	}
	if later, err := e.svc.ImpactRates(ctx, e.conn, e.clock.Now()); err != nil || slices.ContainsFunc(later, func(r actions.ImpactRate) bool { return r.Executed != 0 }) {
		t.Fatalf("rates since now: %+v %v", later, err)
	}
	got, _ := e.st.ActionByID(ctx, e.conn, late.ID)
	if !strings.Contains(got.ImpactNote, "only after") {
		t.Errorf("late payment note %q", got.ImpactNote)
	}
}
