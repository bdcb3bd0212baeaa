// Package operations is aicoo's operations analyzer: stock cover and
// stock-out risk, supplier reliability, fulfillment and bottlenecks. Every
// figure is computed per company (res.company) from synced records of
// stock.quant, stock.move, stock.picking, stock.warehouse.orderpoint,
// stock.valuation.layer (16-18),
// product.product/template, product.supplierinfo, purchase.order(.line),
// sale.order and project.task. Quantities are in the product's unit of
// measure (moves in another unit are converted with uom.uom factor, as
// Odoo does: qty / factor_from * factor_to). Dates of datetimes are taken
// in UTC, as Odoo's server-side reports compare them. Without the stock
// app every figure is reported unavailable, never zero.
//
// # Stock
//
//   - Storable product: product.template is_storable (18+) or type /
//     detailed_type "product" (16/17). Archived products and templates are
//     left out; so are archived reordering rules.
//   - On hand: the sum of stock.quant quantity over internal locations
//     (usage "internal") of the company, Odoo's qty_available.
//   - Consumption: done stock moves (state done, not inventory adjustments)
//     from an internal location to a customer or production location,
//     dated within the trailing window (operations.consumption_window_days,
//     90: Today and the 89 days before), minus done returns from customers.
//     The done quantity is "quantity" on 17+ and "quantity_done" on 16.
//     Average daily consumption is that total divided by the window, or by
//     the product's own history when its first done move is more recent
//     (never fewer than operations.min_history_days, 30).
//   - Forecast: on hand + open receipts - open deliveries: moves in state
//     waiting, confirmed, partially_available or assigned into (out of) an
//     internal location from (to) a non-internal one, their demand
//     product_uom_qty. This is Odoo's Forecasted quantity (virtual_available,
//     without a date limit).
//   - Vendor lead time: product.supplierinfo delay of the vendor named by
//     the reordering rule (supplier_id), else of the first valid vendor line
//     of the product or its template (lowest sequence, then id; valid means
//     the company matches or is empty, Today is within date_start..date_end
//     and the vendor is not archived), as Odoo's purchase picks the vendor.
//     A product without a vendor is not assessed.
//   - Days of cover: on hand / average daily consumption; the metric
//     operations.stock.days_of_cover_median is the median over consumed
//     products.
//   - below_reorder_min: products whose on hand is below their rule's
//     product_min_qty; manual_rules_short: those whose forecast is below
//     the minimum while the rule's trigger is manual (nothing will reorder).
//   - out_of_stock: consumed products with nothing on hand.
//   - value (operations.stock.value, value.go): the sum of value of the
//     company's stock.valuation.layer records created up to Today, in
//     company currency, as Odoo 16-18's inventory valuation adds them up.
//     Unavailable with a note where the model is missing (Odoo 19 keeps
//     the value on stock.move; stock_account not installed). LoadValuation
//     gives the same sum as of any day to internal/history.
//
// Detector stockout_risk (Refs product.product, one insight per product and
// company): the forecast is below average daily consumption times the
// vendor lead time, i.e. stock runs out before an order placed today could
// arrive. A product low on hand whose open receipts cover the lead time is
// not flagged. A product with no consumption in the window is flagged only
// when open deliveries exceed stock and receipts. The predicted stock-out is
// Today + forecast / daily consumption; priority is critical when that comes
// before operations.stockout_critical_fraction (0.5) of the lead time, high
// otherwise.
//
// Demand forecast (demand.go, docs/forecast.md "Revenue and demand"): the
// daily consumption of each product over its whole history is forecast for
// the lead time by internal/analysis/seasonal: the level of the last 91
// days carried with the month-of-year factors of the company's total
// consumption (each product weighed by its first year's mean), damped by
// how strongly the products follow them, without the total's growth. It is
// used when a year and a month of history support it and its weekly
// backtest (DemandBacktests) has a lower MAPE than the moving average;
// otherwise the average stands. The risk is still judged on the average
// (the rule the reordering rules and the ground truth share); the forecast
// gives the run-out day (facts days_of_cover, forecast_need_over_lead) and
// the upper end of its 80% band (need_over_lead_high: weekly totals' sd ×
// √(weeks + weeks²/13) × 1.2816) the days of cover if demand runs high
// (days_of_cover_high_demand).
//
// # Suppliers
//
// A vendor receipt is a done incoming picking (picking type code incoming)
// with a partner that came from a purchase order (one of its moves has a
// purchase_line_id); when no receipt in the database links to a purchase,
// every done incoming picking with a partner counts. The vendor is the
// partner's commercial entity. A receipt is on time when its date_done is on
// or before its promised date: date_deadline (set from the purchase line's
// expected arrival and kept when the receipt is rescheduled), else
// scheduled_date, compared as dates, plus operations.supplier_grace_days
// (0). Odoo's own purchase "On-Time Delivery Rate" (res.partner
// on_time_rate) compares done move dates with the purchase line's
// date_planned over 365 days and weights by quantity; aicoo counts receipts,
// so one big late receipt weighs as much as one small one.
//
//   - operations.suppliers.on_time_rate: on-time receipts / receipts done in
//     the last operations.supplier_recent_days (90).
//   - operations.suppliers.avg_delay_days: mean days late of the late
//     receipts of that window (0 when none was late).
//
// Detector supplier_late (Refs res.partner): per vendor, the on-time rate of
// the recent window against the rate of the rest of
// operations.supplier_history_days (365, so the 275 days before). It fires
// when the rate fell by at least operations.supplier_on_time_drop (0.25),
// the fall is significant (two-proportion z of at least
// operations.supplier_min_z, 2), and both windows hold enough receipts
// (operations.supplier_min_recent_receipts 5, _prior_receipts 8). A vendor
// that is consistently a little late has no fall and is not flagged.
// Priority is high.
//
// # Fulfillment
//
// Customer deliveries are pickings of type code outgoing. A delivery's
// promised date is its date_deadline, else its sales order's commitment_date,
// else its scheduled_date.
//
//   - order_to_delivery_days_avg / _median: for confirmed sales orders (state
//     sale, or done on 16) whose deliveries are all done or cancelled and
//     whose last delivery was done in the last operations.fulfillment_window_days
//     (90): days from date_order to the last date_done.
//   - deliveries, late_delivery_rate, avg_days_late: deliveries done in the
//     window, the share done after their promised date, and their mean delay.
//   - backlog_pickings (open deliveries: waiting, confirmed, partially
//     available, assigned), backlog_orders (sales orders among them),
//     backlog_waiting_stock (not yet ready), backlog_overdue (promised date
//     before Today) and backlog_max_days_overdue.
//
// Informational detector late_deliveries: the late rate reaches
// operations.late_delivery_rate (0.2) over at least
// operations.late_delivery_min_deliveries (10) deliveries.
//
// # Bottlenecks
//
// Informational detector bottleneck: per operation type, transfers due
// (scheduled on or before Today) and still open, in days of the type's
// throughput (done in the last operations.throughput_days, 30). It fires
// with at least operations.bottleneck_min_open (5) such transfers and
// operations.bottleneck_backlog_days (5) of work, and says whether they wait
// for stock (supply) or are ready but unprocessed (capacity). Per open task
// stage (not folded; tasks not done or cancelled on 17+), a stage holding at
// least bottleneck_min_open tasks whose median time since
// date_last_stage_update reaches operations.task_stage_days (14) is flagged.
package operations
