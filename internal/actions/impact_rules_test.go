package actions_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// impactRec is a synced record.
type impactRec struct {
	model     string
	id        int64
	writeDate time.Time
	inactive  bool
	data      map[string]any
}

// impactCase is one executed action and the records synced about it.
type impactCase struct {
	name     string
	typ      actions.Type
	target   string
	targetID int64
	// record is what the action created (a draft RFQ's purchase.order).
	record   string
	recordID int64
	leadDays float64
	recs     []impactRec
	// unsynced connection: no model synced at all.
	unsynced bool
	want     string
	note     string
}

// TestImpactRules checks each impact rule on synced records written
// straight into the store, the way odoosync leaves them, with the check
// 20 days after the actions ran (the default window is 14 days).
func TestImpactRules(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }
	dt := func(n int) string { return odoo.FormatDatetime(day(n)) }
	cases := []impactCase{
		{name: "invoice paid, last written within the window", typ: actions.TypeFollowUpActivity, target: "account.move", targetID: 1,
			recs: []impactRec{{model: "account.move", id: 1, writeDate: day(5), data: map[string]any{"name": "INV/1", "state": "posted", "payment_state": "paid", "amount_residual": 0}}},
			want: store.ImpactImproved, note: "INV/1 paid"},
		{name: "nothing left to pay on a posted invoice", typ: actions.TypePaymentReminder, target: "account.move", targetID: 2,
			recs: []impactRec{{model: "account.move", id: 2, writeDate: day(13), data: map[string]any{"name": "INV/2", "state": "posted", "payment_state": "not_paid", "amount_residual": 0}}},
			want: store.ImpactImproved},
		{name: "invoice paid after the window", typ: actions.TypeFollowUpActivity, target: "account.move", targetID: 3,
			recs: []impactRec{{model: "account.move", id: 3, writeDate: day(18), data: map[string]any{"name": "INV/3", "state": "posted", "payment_state": "in_payment", "amount_residual": 0}}},
			want: store.ImpactNotImproved, note: "only after"},
		{name: "invoice partly paid", typ: actions.TypeChatterNote, target: "account.move", targetID: 4,
			recs: []impactRec{{model: "account.move", id: 4, writeDate: day(2), data: map[string]any{"name": "INV/4", "state": "posted", "payment_state": "partial", "amount_residual": 40}}},
			want: store.ImpactNotImproved, note: "still unpaid (40.00 due"},
		{name: "invoice cancelled", typ: actions.TypeFollowUpActivity, target: "account.move", targetID: 5,
			recs: []impactRec{{model: "account.move", id: 5, writeDate: day(2), data: map[string]any{"name": "INV/5", "state": "cancel", "payment_state": "not_paid", "amount_residual": 0}}},
			want: store.ImpactUnknown, note: "cancelled"},
		{name: "invoice paid before the action ran", typ: actions.TypePaymentReminder, target: "account.move", targetID: 7,
			recs: []impactRec{{model: "account.move", id: 7, writeDate: day(-1), data: map[string]any{"name": "INV/7", "state": "posted", "payment_state": "paid", "amount_residual": 0}}},
			want: store.ImpactUnknown, note: "already paid"},
		{name: "invoice gone from Odoo", typ: actions.TypeFollowUpActivity, target: "account.move", targetID: 6,
			want: store.ImpactUnknown, note: "no longer in Odoo"},
		{name: "invoice model never synced", typ: actions.TypeFollowUpActivity, target: "account.move", targetID: 1, unsynced: true,
			want: store.ImpactUnknown, note: "not synced"},
		{name: "deal won within the window", typ: actions.TypeDealMeeting, target: "crm.lead", targetID: 10,
			recs: []impactRec{{model: "crm.stage", id: 4, data: map[string]any{"name": "Won", "is_won": true}},
				{model: "crm.lead", id: 10, data: map[string]any{"name": "Big deal", "stage_id": []any{4, "Won"}, "probability": 100, "date_closed": dt(9), "date_last_stage_update": dt(9)}}},
			want: store.ImpactImproved, note: "won on"},
		{name: "deal won before the action ran", typ: actions.TypeDealMeeting, target: "crm.lead", targetID: 19,
			recs: []impactRec{{model: "crm.stage", id: 4, data: map[string]any{"name": "Won", "is_won": true}},
				{model: "crm.lead", id: 19, data: map[string]any{"name": "Early deal", "stage_id": []any{4, "Won"}, "probability": 100, "date_closed": dt(-2), "date_last_stage_update": dt(-2)}}},
			want: store.ImpactUnknown, note: "already won"},
		{name: "deal moved stage within the window", typ: actions.TypeProjectTask, target: "crm.lead", targetID: 11,
			recs: []impactRec{{model: "crm.stage", id: 2, data: map[string]any{"name": "Proposition", "is_won": false}},
				{model: "crm.lead", id: 11, data: map[string]any{"name": "Mid deal", "stage_id": []any{2, "Proposition"}, "probability": 40, "date_last_stage_update": dt(1)}}},
			want: store.ImpactImproved, note: "moved to Proposition"},
		{name: "deal lost", typ: actions.TypeDealMeeting, target: "crm.lead", targetID: 12,
			recs: []impactRec{{model: "crm.lead", id: 12, inactive: true, data: map[string]any{"name": "Lost deal", "stage_id": []any{2, "Proposition"}, "probability": 0, "date_last_stage_update": dt(3)}}},
			want: store.ImpactNotImproved, note: "lost"},
		{name: "deal still stalled", typ: actions.TypeChatterNote, target: "crm.lead", targetID: 13,
			recs: []impactRec{{model: "crm.lead", id: 13, data: map[string]any{"name": "Stuck deal", "stage_id": []any{2, "Proposition"}, "probability": 40, "date_last_stage_update": dt(-30)}}},
			want: store.ImpactNotImproved, note: "still in Proposition"},
		{name: "product stayed in stock through the lead time", typ: actions.TypeDraftRFQ, target: "product.product", targetID: 20,
			record: "purchase.order", recordID: 70, leadDays: 10,
			recs: []impactRec{{model: "product.product", id: 20, data: map[string]any{"name": "Bolt"}},
				{model: "purchase.order", id: 70, data: map[string]any{"name": "P00070", "state": "draft", "receipt_status": false}},
				{model: "stock.location", id: 8, data: map[string]any{"name": "WH/Stock", "usage": "internal"}},
				{model: "stock.location", id: 9, data: map[string]any{"name": "Customers", "usage": "customer"}},
				{model: "stock.quant", id: 1, data: map[string]any{"product_id": []any{20, "Bolt"}, "location_id": []any{8, "WH/Stock"}, "quantity": 3}},
				{model: "stock.quant", id: 2, data: map[string]any{"product_id": []any{21, "Nut"}, "location_id": []any{9, "Customers"}, "quantity": 50}}},
			want: store.ImpactImproved, note: "stayed in stock"},
		{name: "product ran out", typ: actions.TypeDraftRFQ, target: "product.product", targetID: 21, leadDays: 30,
			recs: []impactRec{{model: "product.product", id: 21, data: map[string]any{"name": "Nut"}}},
			want: store.ImpactNotImproved, note: "ran out"},
		{name: "RFQ confirmed and received", typ: actions.TypeDraftRFQ, target: "product.product", targetID: 22,
			record: "purchase.order", recordID: 72, leadDays: 30,
			recs: []impactRec{{model: "product.product", id: 22, data: map[string]any{"name": "Washer"}},
				{model: "purchase.order", id: 72, data: map[string]any{"name": "P00072", "state": "purchase", "receipt_status": "full"}}},
			want: store.ImpactImproved, note: "confirmed and received"},
		{name: "product in stock, lead time not over", typ: actions.TypeDraftRFQ, target: "product.product", targetID: 20, leadDays: 30,
			want: store.ImpactPending, note: "watched until"},
		{name: "customer ordered again within the window", typ: actions.TypeProjectTask, target: "res.partner", targetID: 30,
			recs: []impactRec{{model: "res.partner", id: 30, data: map[string]any{"name": "Acme"}},
				{model: "sale.order", id: 3, writeDate: day(-40), data: map[string]any{"name": "S00003", "state": "sale", "partner_id": []any{32, "Globex"}, "date_order": dt(-40)}},
				{model: "sale.order", id: 1, writeDate: day(6), data: map[string]any{"name": "S00001", "state": "sale", "partner_id": []any{31, "Acme, Joe"}, "partner_invoice_id": []any{30, "Acme"}, "date_order": dt(6)}},
				{model: "sale.order", id: 2, data: map[string]any{"name": "S00002", "state": "draft", "partner_id": []any{32, "Globex"}, "date_order": dt(2)}}},
			want: store.ImpactImproved, note: "S00001"},
		{name: "customer only quoted", typ: actions.TypeProjectTask, target: "res.partner", targetID: 32,
			recs: []impactRec{{model: "res.partner", id: 32, data: map[string]any{"name": "Globex"}}},
			want: store.ImpactNotImproved, note: "no new confirmed order"},
		{name: "note on a sales order", typ: actions.TypeChatterNote, target: "sale.order", targetID: 1,
			want: store.ImpactUnknown, note: "no impact measure"},
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: t0}
			testImpactRules(t, storetest.Open(t, d, func(c *store.Config) { c.NowFunc = clk.Now }), clk, cases)
		})
	}
}

func testImpactRules(t *testing.T, st *store.Store, clk *clock, cases []impactCase) {
	ctx := context.Background()
	svc, err := actions.New(actions.Config{Store: st, NowFunc: clk.Now,
		OdooFunc: func(context.Context, int64) (actions.Odoo, error) {
			return nil, errors.New("impact must not call Odoo")
		}})
	if err != nil {
		t.Fatal(err)
	}
	conns := map[bool]int64{}
	for _, unsynced := range []bool{false, true} {
		c, err := st.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: fmt.Sprint("c", unsynced), OdooURL: "https://x.odoo.com", OdooDatabase: "x"})
		if err != nil {
			t.Fatal(err)
		}
		conns[unsynced] = c.ID
	}
	// The actions run now...
	ids := make([]int64, len(cases))
	for i, c := range cases {
		conn := conns[c.unsynced]
		evidence, _ := json.Marshal(map[string]any{"facts": map[string]float64{"lead_days": c.leadDays}})
		a, _, err := st.ActionCreate(ctx, store.ActionCreateParams{ConnectionID: conn, IdempotencyKey: fmt.Sprint(i), ActionType: string(c.typ),
			TargetModel: c.target, TargetID: c.targetID, Evidence: evidence, Status: store.ActionApproved})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ActionTransition(ctx, store.ActionTransitionParams{ConnectionID: conn, ID: a.ID, From: []string{store.ActionApproved},
			Status: store.ActionExecuted, Executed: true, RecordModel: c.record, RecordID: c.recordID}); err != nil {
			t.Fatal(err)
		}
		ids[i] = a.ID
	}
	// ...and 20 days later the records are synced and the impact checked.
	clk.Add(20 * 24 * time.Hour)
	for _, c := range cases {
		for _, r := range c.recs {
			data, err := json.Marshal(r.data)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.OdooRecordUpsertMany(ctx, conns[c.unsynced], r.model, []store.OdooRecordParams{{OdooID: r.id, WriteDate: r.writeDate,
				Active: !r.inactive, Data: data}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, m := range []string{"account.move", "crm.stage", "crm.lead", "product.product", "purchase.order", "stock.location", "stock.quant", "res.partner", "sale.order"} {
		if err := st.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: conns[false], Model: m, Status: store.OdooSyncOK,
			LastSyncedAt: clk.Now(), LastSuccessAt: clk.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	for _, unsynced := range []bool{false, true} {
		if _, err := svc.EvaluateImpact(ctx, conns[unsynced]); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cases {
		a, err := st.ActionByID(ctx, conns[c.unsynced], ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if a.ImpactStatus != c.want || !strings.Contains(a.ImpactNote, c.note) {
			t.Errorf("%s: %s (%q), want %s (%q)", c.name, a.ImpactStatus, a.ImpactNote, c.want, c.note)
		}
	}
}
