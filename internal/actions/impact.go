package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// ImpactDaysDefault is how many days after its execution an action has to
// show an effect (the invoice paid, the deal moved, the customer ordered).
// A draft RFQ's window is the lead time of the stock-out it addressed.
const ImpactDaysDefault = 14

// ImpactReport counts what one EvaluateImpact did, by outcome.
type ImpactReport struct {
	Checked     int
	Pending     int
	Improved    int
	NotImproved int
	Unknown     int
	Excluded    int
}

// verdict is the outcome of one impact check and why.
type verdict struct {
	status string
	note   string
}

// EvaluateImpact checks, from the Odoo records synced into the store,
// whether the situation each executed action addressed has improved (see
// the package doc for what improved means per action type). Only actions
// whose outcome is still open are read; a decided outcome is final and a
// rolled-back action is excluded, so running it every few minutes is cheap
// and idempotent. The whole-model reads (quants for RFQs, sales orders for
// tasks) happen only when an open action needs them, once per run.
func (s *Service) EvaluateImpact(ctx context.Context, connectionID int64) (*ImpactReport, error) {
	due, err := s.cfg.Store.ActionImpactDue(ctx, connectionID, 0)
	if err != nil {
		return nil, fmt.Errorf("actions: impact: %w", err)
	}
	rep := &ImpactReport{}
	if len(due) == 0 {
		return rep, nil
	}
	now := s.now()
	d := &impactData{st: s.cfg.Store, conn: connectionID, states: map[string]*store.OdooSyncState{}, wonStage: map[int64]bool{}}
	for _, a := range due {
		if d.since.IsZero() || a.ExecutedAt.Before(d.since) {
			d.since = a.ExecutedAt
		}
	}
	// Every verdict is read first, then all are written in one
	// transaction: one commit per run, and no write lock held while
	// reading.
	verdicts := make([]verdict, len(due))
	for i, a := range due {
		if a.Status == store.ActionRolledBack {
			verdicts[i] = verdict{store.ImpactExcluded, "rolled back " + stamp(a.RolledBackAt) + ": not counted"}
		} else if verdicts[i], err = s.judge(ctx, d, a, now); err != nil {
			return rep, fmt.Errorf("actions: impact of action %d: %w", a.ID, err)
		}
	}
	err = s.cfg.Store.InTx(ctx, func(tx *store.Store) error {
		*rep = ImpactReport{}
		for i, a := range due {
			v := verdicts[i]
			updated, err := tx.ActionImpactSet(ctx, store.ActionImpactParams{ConnectionID: connectionID, ID: a.ID,
				Status: v.status, Note: v.note, CheckedAt: now})
			if err != nil {
				return fmt.Errorf("action %d: %w", a.ID, err)
			}
			if !updated {
				continue // rolled back or decided meanwhile
			}
			rep.Checked++
			switch v.status {
			case store.ImpactPending:
				rep.Pending++
			case store.ImpactImproved:
				rep.Improved++
			case store.ImpactNotImproved:
				rep.NotImproved++
			case store.ImpactUnknown:
				rep.Unknown++
			case store.ImpactExcluded:
				rep.Excluded++
			}
		}
		return nil
	})
	if err != nil {
		return &ImpactReport{}, fmt.Errorf("actions: record impact: %w", err)
	}
	s.cfg.Logger.DebugContext(ctx, "actions: impact checked", "connection", connectionID, "report", fmt.Sprintf("%+v", *rep))
	return rep, nil
}

// impactWindow is how long after execution a's effect is looked for.
func (s *Service) impactWindow(a *store.Action) time.Duration {
	days := s.cfg.ImpactDays
	if Type(a.ActionType) == TypeDraftRFQ {
		var ev struct {
			Facts map[string]float64 `json:"facts"`
		}
		if json.Unmarshal(a.Evidence, &ev) == nil && ev.Facts["lead_days"] > 0 {
			// A lead time of hours is a window of hours, not of none.
			return time.Duration(ev.Facts["lead_days"] * float64(24*time.Hour))
		}
	}
	return time.Duration(days) * 24 * time.Hour
}

// judge decides the impact of one executed action, by what it is about.
func (s *Service) judge(ctx context.Context, d *impactData, a *store.Action, now time.Time) (verdict, error) {
	w := window{from: a.ExecutedAt, end: a.ExecutedAt.Add(s.impactWindow(a)), now: now}
	switch {
	case a.TargetModel == "account.move":
		return d.invoice(ctx, a, w)
	case a.TargetModel == "crm.lead":
		return d.deal(ctx, a, w)
	case a.TargetModel == "product.product" && Type(a.ActionType) == TypeDraftRFQ:
		return d.stock(ctx, a, w)
	case a.TargetModel == "res.partner":
		return d.customer(ctx, a, w)
	}
	return verdict{store.ImpactUnknown, fmt.Sprintf("no impact measure for a %s on %s", a.ActionType, orNone(a.TargetModel))}, nil
}

func orNone(s string) string {
	if s == "" {
		return "nothing in Odoo"
	}
	return s
}

// window is the time an action's effect is looked for, and the time of
// the check.
type window struct {
	from, end, now time.Time
}

func (w window) within(t time.Time) bool { return !t.After(w.end) }

func stamp(t time.Time) string { return t.UTC().Format(time.DateTime) }

// impactData reads the synced records one EvaluateImpact needs, each
// model's sync state and whole-model figures at most once.
type impactData struct {
	st       *store.Store
	conn     int64
	states   map[string]*store.OdooSyncState // nil: not synced
	wonStage map[int64]bool
	onHand   map[int64]float64 // product -> quantity in internal locations
	orders   map[int64][]order // partner -> confirmed sales orders
	// since is when the oldest action checked ran.
	since time.Time
}

type order struct {
	name string
	at   time.Time
}

// state returns the sync state of model, or nil when the model is not
// synced (never, or its module is not installed).
func (d *impactData) state(ctx context.Context, model string) (*store.OdooSyncState, error) {
	if st, ok := d.states[model]; ok {
		return st, nil
	}
	st, err := d.st.OdooSyncStateGet(ctx, d.conn, model)
	if errors.Is(err, store.ErrNotFound) {
		st, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	if st != nil && (st.Status == store.OdooSyncNotInstalled || st.LastSuccessAt.IsZero()) {
		st = nil
	}
	d.states[model] = st
	return st, nil
}

// notSynced is the verdict when model is not synced: it may still come
// while the window is open.
func notSynced(model string, w window) verdict {
	if w.now.Before(w.end) {
		return verdict{store.ImpactPending, model + " is not synced yet"}
	}
	return verdict{store.ImpactUnknown, model + " is not synced from Odoo"}
}

// record returns the synced record model id. When there is none it returns
// the verdict to give instead: pending or unknown when the model is not
// synced, unknown when the record is gone from Odoo.
func (d *impactData) record(ctx context.Context, model string, id int64, w window) (odoo.Record, *store.OdooRecord, *verdict, error) {
	st, err := d.state(ctx, model)
	if err != nil {
		return nil, nil, nil, err
	}
	if st == nil {
		v := notSynced(model, w)
		return nil, nil, &v, nil
	}
	rec, err := d.st.OdooRecordGet(ctx, d.conn, model, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, &verdict{store.ImpactUnknown, fmt.Sprintf("%s %d is no longer in Odoo", model, id)}, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	f, err := rec.Fields()
	if err != nil {
		return nil, nil, nil, err
	}
	return odoo.Record(f), rec, nil, nil
}

// undecided is the verdict when no improvement is seen: pending while the
// window is open, or while the synced model is older than the window's
// end (the improvement may not be synced yet); not improved after.
func (d *impactData) undecided(ctx context.Context, model, what string, w window) (verdict, error) {
	if w.now.Before(w.end) {
		return verdict{store.ImpactPending, what + "; watched until " + stamp(w.end)}, nil
	}
	st, err := d.state(ctx, model)
	if err != nil {
		return verdict{}, err
	}
	if st == nil {
		return notSynced(model, w), nil
	}
	if st.LastSuccessAt.Before(w.end) {
		return verdict{store.ImpactPending, fmt.Sprintf("%s; waiting for a sync of %s after %s (last %s)",
			what, model, stamp(w.end), stamp(st.LastSuccessAt))}, nil
	}
	return verdict{store.ImpactNotImproved, what + " at " + stamp(w.end)}, nil
}

// invoice: improved when the invoice is paid (payment_state paid or
// in_payment, or less than half a cent left on a posted invoice, as the
// staleness check counts it) within the
// window. The payment is dated no later than the first of the record's
// write date and the time it was synced paid.
func (d *impactData) invoice(ctx context.Context, a *store.Action, w window) (verdict, error) {
	const model = "account.move"
	r, rec, v, err := d.record(ctx, model, a.TargetID, w)
	if v != nil || err != nil {
		return deref(v), err
	}
	name := fields.String(r, "name")
	state, ps := fields.String(r, "state"), fields.String(r, "payment_state")
	residual, rerr := r.Float("amount_residual")
	switch {
	case state == "cancel" || ps == "reversed":
		return verdict{store.ImpactUnknown, fmt.Sprintf("invoice %s was cancelled or reversed, not paid", name)}, nil
	case ps == "paid" || ps == "in_payment" || (state == "posted" && rerr == nil && math.Abs(residual) < 0.005):
		seen := rec.SyncedAt
		if !rec.WriteDate.IsZero() && rec.WriteDate.Before(seen) {
			seen = rec.WriteDate
		}
		if seen.Before(w.from) {
			// Paid while the action waited for approval: not its doing.
			return verdict{store.ImpactUnknown, fmt.Sprintf("invoice %s was already paid (%s) by %s, before the action ran", name, orNone(ps), stamp(seen))}, nil
		}
		if w.within(seen) {
			return verdict{store.ImpactImproved, fmt.Sprintf("invoice %s paid (%s) by %s", name, orNone(ps), stamp(seen))}, nil
		}
		return verdict{store.ImpactNotImproved, fmt.Sprintf("invoice %s paid only after %s (seen paid %s)", name, stamp(w.end), stamp(seen))}, nil
	}
	return d.undecided(ctx, model, fmt.Sprintf("invoice %s still unpaid (%.2f due, %s)", name, residual, orNone(ps)), w)
}

func deref(v *verdict) verdict {
	if v == nil {
		return verdict{}
	}
	return *v
}

// deal: improved when the deal was won, or moved to another stage, within
// the window; not improved when it was lost or archived.
func (d *impactData) deal(ctx context.Context, a *store.Action, w window) (verdict, error) {
	const model = "crm.lead"
	r, rec, v, err := d.record(ctx, model, a.TargetID, w)
	if v != nil || err != nil {
		return deref(v), err
	}
	name := fields.String(r, "name")
	stage, _ := r.Many2One("stage_id")
	won, err := d.stageWon(ctx, stage.ID)
	if err != nil {
		return verdict{}, err
	}
	ws := fields.String(r, "won_status")
	won = won || ws == "won" || (rec.Active && fields.Float(r, "probability") >= 100)
	moved, _ := r.Datetime("date_last_stage_update")
	switch {
	case won:
		at, _ := r.Datetime("date_closed")
		if at.IsZero() {
			at = moved
		}
		if at.IsZero() {
			at = rec.SyncedAt
		}
		if at.Before(w.from) {
			return verdict{store.ImpactUnknown, fmt.Sprintf("deal %q was already won on %s, before the action ran", name, stamp(at))}, nil
		}
		if w.within(at) {
			return verdict{store.ImpactImproved, fmt.Sprintf("deal %q won on %s", name, stamp(at))}, nil
		}
		return verdict{store.ImpactNotImproved, fmt.Sprintf("deal %q won only on %s, after %s", name, stamp(at), stamp(w.end))}, nil
	case ws == "lost" || !rec.Active:
		return verdict{store.ImpactNotImproved, fmt.Sprintf("deal %q was lost", name)}, nil
	case moved.After(w.from):
		if w.within(moved) {
			return verdict{store.ImpactImproved, fmt.Sprintf("deal %q moved to %s on %s", name, stage.Name, stamp(moved))}, nil
		}
		return verdict{store.ImpactNotImproved, fmt.Sprintf("deal %q moved only on %s, after %s", name, stamp(moved), stamp(w.end))}, nil
	}
	return d.undecided(ctx, model, fmt.Sprintf("deal %q still in %s", name, stage.Name), w)
}

// stageWon reports whether a crm.stage is a won stage.
func (d *impactData) stageWon(ctx context.Context, id int64) (bool, error) {
	if id == 0 {
		return false, nil
	}
	if won, ok := d.wonStage[id]; ok {
		return won, nil
	}
	rec, err := d.st.OdooRecordGet(ctx, d.conn, "crm.stage", id)
	if errors.Is(err, store.ErrNotFound) {
		d.wonStage[id] = false
		return false, nil
	}
	if err != nil {
		return false, err
	}
	f, err := rec.Fields()
	if err != nil {
		return false, err
	}
	d.wonStage[id] = fields.Bool(odoo.Record(f), "is_won")
	return d.wonStage[id], nil
}

// stock: for a draft RFQ, improved when the RFQ was confirmed and fully
// received, or when the product never showed empty stock (no positive
// quantity in internal locations) at a check during the lead time; not
// improved as soon as a check sees it out of stock.
func (d *impactData) stock(ctx context.Context, a *store.Action, w window) (verdict, error) {
	const model = "product.product"
	r, _, v, err := d.record(ctx, model, a.TargetID, w)
	if v != nil || err != nil {
		return deref(v), err
	}
	name := fields.String(r, "name")
	if a.RecordModel == "purchase.order" && a.RecordID != 0 {
		if st, err := d.state(ctx, "purchase.order"); err != nil {
			return verdict{}, err
		} else if st != nil {
			po, err := d.st.OdooRecordGet(ctx, d.conn, "purchase.order", a.RecordID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return verdict{}, err
			}
			if po != nil {
				f, err := po.Fields()
				if err != nil {
					return verdict{}, err
				}
				pr := odoo.Record(f)
				if s := fields.String(pr, "state"); (s == "purchase" || s == "done") && fields.String(pr, "receipt_status") == "full" {
					return verdict{store.ImpactImproved, fmt.Sprintf("RFQ %s for %s was confirmed and received", fields.String(pr, "name"), name)}, nil
				}
			}
		}
	}
	onHand, v, err := d.productOnHand(ctx, a.TargetID, w)
	if v != nil || err != nil {
		return deref(v), err
	}
	if onHand <= 0 {
		return verdict{store.ImpactNotImproved, fmt.Sprintf("%s ran out of stock (%g on hand at %s)", name, onHand, stamp(w.now))}, nil
	}
	what := fmt.Sprintf("%s in stock (%g on hand)", name, onHand)
	if w.now.Before(w.end) {
		return verdict{store.ImpactPending, what + "; watched until " + stamp(w.end)}, nil
	}
	st, err := d.state(ctx, "stock.quant")
	if err != nil {
		return verdict{}, err
	}
	if st.LastSuccessAt.Before(w.end) {
		return verdict{store.ImpactPending, fmt.Sprintf("%s; waiting for a sync of stock.quant after %s", what, stamp(w.end))}, nil
	}
	return verdict{store.ImpactImproved, fmt.Sprintf("%s stayed in stock through the lead time to %s (%g on hand)", name, stamp(w.end), onHand)}, nil
}

// productOnHand returns a product's quantity in internal locations, from
// the synced quants and locations (read once per run).
func (d *impactData) productOnHand(ctx context.Context, productID int64, w window) (float64, *verdict, error) {
	if d.onHand == nil {
		for _, model := range []string{"stock.quant", "stock.location"} {
			st, err := d.state(ctx, model)
			if err != nil {
				return 0, nil, err
			}
			if st == nil {
				v := notSynced(model, w)
				return 0, &v, nil
			}
		}
		internal := map[int64]bool{}
		for rec, err := range d.st.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: d.conn, Model: "stock.location"}) {
			if err != nil {
				return 0, nil, err
			}
			f, err := rec.Fields()
			if err != nil {
				return 0, nil, err
			}
			internal[rec.OdooID] = fields.String(odoo.Record(f), "usage") == "internal"
		}
		onHand := map[int64]float64{}
		for rec, err := range d.st.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: d.conn, Model: "stock.quant"}) {
			if err != nil {
				return 0, nil, err
			}
			f, err := rec.Fields()
			if err != nil {
				return 0, nil, err
			}
			q := odoo.Record(f)
			if internal[fields.M2OID(q, "location_id")] {
				onHand[fields.M2OID(q, "product_id")] += fields.Float(q, "quantity")
			}
		}
		d.onHand = onHand
	}
	return d.onHand[productID], nil, nil
}

// customer: for an action about a customer (a task for a churn risk),
// improved when the customer confirmed a sales order within the window.
func (d *impactData) customer(ctx context.Context, a *store.Action, w window) (verdict, error) {
	const model = "res.partner"
	r, _, v, err := d.record(ctx, model, a.TargetID, w)
	if v != nil || err != nil {
		return deref(v), err
	}
	name := fields.String(r, "name")
	if d.orders == nil {
		st, err := d.state(ctx, "sale.order")
		if err != nil {
			return verdict{}, err
		}
		if st == nil {
			return notSynced("sale.order", w), nil
		}
		// An order confirmed after an action was written after it: only
		// orders written since the oldest open action are read.
		recs, err := d.st.OdooRecordsWrittenSince(ctx, d.conn, "sale.order", d.since)
		if err != nil {
			return verdict{}, err
		}
		d.orders = map[int64][]order{}
		for _, rec := range recs {
			f, err := rec.Fields()
			if err != nil {
				return verdict{}, err
			}
			so := odoo.Record(f)
			if s := fields.String(so, "state"); s != "sale" && s != "done" {
				continue
			}
			at, _ := so.Datetime("date_order")
			o := order{name: fields.String(so, "name"), at: at}
			p, inv := fields.M2OID(so, "partner_id"), fields.M2OID(so, "partner_invoice_id")
			d.orders[p] = append(d.orders[p], o)
			if inv != 0 && inv != p {
				d.orders[inv] = append(d.orders[inv], o)
			}
		}
	}
	var first *order
	for i, o := range d.orders[a.TargetID] {
		if o.at.After(w.from) && (first == nil || o.at.Before(first.at)) {
			first = &d.orders[a.TargetID][i]
		}
	}
	switch {
	case first != nil && w.within(first.at):
		return verdict{store.ImpactImproved, fmt.Sprintf("%s confirmed order %s on %s", name, first.name, stamp(first.at))}, nil
	case first != nil:
		return verdict{store.ImpactNotImproved, fmt.Sprintf("%s ordered again only on %s (%s), after %s", name, stamp(first.at), first.name, stamp(w.end))}, nil
	}
	return d.undecided(ctx, "sale.order", fmt.Sprintf("no new confirmed order from %s", name), w)
}
