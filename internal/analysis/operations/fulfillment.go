package operations

import (
	"fmt"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// Fulfillment: order-to-delivery time, late deliveries and the backlog of
// open deliveries.

// deliveryPromise returns the date a delivery was promised to the customer:
// its deadline, else its sales order's delivery date (commitment_date),
// else its scheduled date.
func (a *run) deliveryPromise(p *picking) odoo.Date {
	if !p.deadline.IsZero() {
		return p.deadline
	}
	if so, ok := a.d.sales[p.sale]; ok && !so.commitment.IsZero() {
		return so.commitment
	}
	return p.scheduled
}

func confirmedSale(state string) bool { return state == "sale" || state == "done" }

// fulfillmentFigures computes the delivery metrics of company c.
func (a *run) fulfillmentFigures(c int64) {
	from := a.today.AddDays(-a.fulfillmentDays + 1)
	var (
		done, late                []int64
		lateDays                  []float64
		backlog, overdue, waiting []int64
		maxOverdue                int
	)
	type orderState struct {
		open     bool
		lastDone odoo.Date
	}
	orders := map[int64]*orderState{}
	backlogOrders := map[int64]bool{}
	for _, p := range a.pickingsSorted {
		if p.code != "outgoing" || p.company != c && p.company != 0 {
			continue
		}
		if p.sale != 0 {
			o := orders[p.sale]
			if o == nil {
				o = &orderState{}
				orders[p.sale] = o
			}
			switch {
			case p.state == "done":
				if o.lastDone.Before(p.done) {
					o.lastDone = p.done
				}
			case p.state != "cancel":
				o.open = true
			}
		}
		promise := a.deliveryPromise(p)
		switch {
		case p.state == "done":
			if p.done.IsZero() || p.done.Before(from) || a.today.Before(p.done) {
				continue
			}
			done = append(done, p.id)
			if !promise.IsZero() && promise.Before(p.done) {
				late = append(late, p.id)
				lateDays = append(lateDays, float64(analysis.DaysBetween(promise, p.done)))
			}
		case openState(p.state):
			backlog = append(backlog, p.id)
			if p.sale != 0 {
				backlogOrders[p.sale] = true
			}
			if p.state != "assigned" {
				waiting = append(waiting, p.id)
			}
			if !promise.IsZero() && promise.Before(a.today) {
				overdue = append(overdue, p.id)
				maxOverdue = max(maxOverdue, analysis.DaysBetween(promise, a.today))
			}
		}
	}
	var leadTimes []float64
	var leadOrders []int64
	for id, o := range orders {
		so, ok := a.d.sales[id]
		if !ok || o.open || o.lastDone.IsZero() || o.lastDone.Before(from) || so.ordered.IsZero() || !confirmedSale(so.state) {
			continue
		}
		leadTimes = append(leadTimes, float64(analysis.DaysBetween(so.ordered, o.lastDone)))
		leadOrders = append(leadOrders, id)
	}
	sortInt64(leadOrders)
	w := a.fulfillmentDays
	m := a.metric(c, "operations.fulfillment.order_to_delivery_days_avg", fields.Round2(mean(leadTimes)), "days",
		fmt.Sprintf("sales orders fully delivered in the last %d days: days from order date to the last delivery", w), nil)
	m.Available = a.d.sale && len(leadTimes) > 0
	m = a.metric(c, "operations.fulfillment.order_to_delivery_days_median", fields.Round2(median(leadTimes)), "days",
		fmt.Sprintf("median over the sales orders fully delivered in the last %d days", w), nil)
	m.Available = a.d.sale && len(leadTimes) > 0
	a.metric(c, "operations.fulfillment.deliveries", float64(len(done)), "count", fmt.Sprintf("customer deliveries done in the last %d days", w), nil)
	rate := 0.0
	if len(done) > 0 {
		rate = float64(len(late)) / float64(len(done))
	}
	m = a.metric(c, "operations.fulfillment.late_delivery_rate", fields.Round2(rate), "ratio",
		fmt.Sprintf("deliveries of the last %d days done after their promised date (deadline, else the order's delivery date, else scheduled date)", w),
		a.refs("stock.picking", late))
	m.Available = len(done) > 0
	avgLate := 0.0
	if len(lateDays) > 0 {
		avgLate = mean(lateDays)
	}
	m = a.metric(c, "operations.fulfillment.avg_days_late", fields.Round2(avgLate), "days", "average days late of the late deliveries", nil)
	m.Available = len(done) > 0
	a.metric(c, "operations.fulfillment.backlog_pickings", float64(len(backlog)), "count", "open customer deliveries (waiting or ready)", a.refs("stock.picking", backlog))
	m = a.metric(c, "operations.fulfillment.backlog_orders", float64(len(backlogOrders)), "count", "sales orders with an open delivery", nil)
	m.Available = a.d.sale
	a.metric(c, "operations.fulfillment.backlog_waiting_stock", float64(len(waiting)), "count", "open deliveries not ready: waiting for stock or another operation", a.refs("stock.picking", waiting))
	a.metric(c, "operations.fulfillment.backlog_overdue", float64(len(overdue)), "count", "open deliveries past their promised date", a.refs("stock.picking", overdue))
	a.metric(c, "operations.fulfillment.backlog_max_days_overdue", float64(maxOverdue), "days", "days the most overdue open delivery is past its promised date", nil)
	if len(done) >= a.minDeliveries && rate >= a.lateRate {
		prio := "medium"
		if rate >= 2*a.lateRate {
			prio = "high"
		}
		a.res.Insights = append(a.res.Insights, analysis.Insight{
			Kind: KindLateDeliveries, Priority: prio, CompanyID: c,
			Title: fmt.Sprintf("%.0f%% of deliveries were late in the last %d days", rate*100, w),
			Detail: fmt.Sprintf("%d of %d customer deliveries done in the last %d days left after their promised date, %.1f days late on average; %d open deliveries are already overdue.",
				len(late), len(done), w, avgLate, len(overdue)),
			Subject: fmt.Sprintf("res.company:%d:late_deliveries", c),
			Refs:    []analysis.Ref{a.env.Ref("stock.picking", late...)},
			Facts: map[string]float64{"late_rate": fields.Round2(rate), "deliveries": float64(len(done)), "late": float64(len(late)),
				"avg_days_late": fields.Round2(avgLate), "backlog_overdue": float64(len(overdue))},
			Score: fields.Clamp01(rate),
		})
	}
}
