// Package customers is the customer success analyzer: a health score per
// customer, churn risk against each customer's own ordering rhythm, support
// ticket volume, ageing and SLA compliance, and upsell candidates.
//
// A customer is a commercial partner (res.partner commercial_partner_id,
// else the top of the parent_id chain, else the partner itself) within one
// company: orders and invoices of a contact count for its company, and a
// customer of two companies is two customers. Amounts are in the company
// currency (the *_signed fields), so foreign-currency invoices count at
// their booked value and credit notes count negative.
//
// # Rhythm and churn risk (kind churn_risk)
//
// A customer's order days are the distinct days (date_order, UTC) of its
// confirmed sale orders (state sale, or done in Odoo 16; locked orders in
// 17+ keep state sale). A customer without sale orders, or a database
// without the sale app, uses the invoice_date of its posted customer
// invoices dated Today or before instead (one prepared ahead is not an
// order yet). With at least customers.churn_min_orders (5) order
// days, the rhythm is the median gap between consecutive order days. The
// customer is a churn risk when the days since the last order exceed
// customers.churn_factor (3) times the rhythm and customers.churn_min_days
// (45), and do not exceed customers.churn_max_days (365: beyond that the
// customer is lost, not at risk). A customer who naturally orders every
// 115 days is not at risk after 200 days: its own limit is 345. Archived
// customers are left out. Priority is high from customers.churn_high_orders
// (15) order days (an established customer), medium otherwise. The insight
// cites the res.partner and the last order (or invoice).
//
// # Health score (customers.health.partner.<id>, 0-100)
//
// For customers who bought in the last 365 days (and churn risks), the
// weighted average of the components with data (weights 35/25/25/15):
//   - payment: 100, less 50 × min(1, average days late / 60) over the
//     invoices paid in full in the last 365 days (days from invoice_date_due
//     to the latest date of the receivable items reconciled with the
//     invoice: same matching_number in 17+, same full_reconcile_id in 16;
//     partial matches "P…" do not count), less 50 × min(1, days overdue of
//     the oldest open overdue invoice / 90). Unavailable without invoicing.
//   - recency: 100 while days since the last order ≤ 1.5 rhythms, falling
//     linearly to 0 at the churn factor; without a rhythm 100 up to 90
//     days, 0 from 365 days.
//   - trend: 50 + 25 × value change + 25 × order-count change, last 180
//     days against the 180 before, each change capped to -100%..+100%
//     (new business +100%, stopped business -100%).
//   - support: 100, less 20 per open ticket and 30 more per open ticket
//     past its SLA deadline. Left out without helpdesk or support project.
//
// customers.health.average averages the current customers;
// customers.health.at_risk counts those below customers.at_risk_health
// (65). customers.churn_risk.revenue_365d is what the churn risks were
// invoiced in the last 365 days.
//
// # Support tickets (customers.tickets.*)
//
// From helpdesk.ticket when helpdesk is installed; otherwise from the
// top-level tasks of the support project (customers.support_project_id,
// else the projects whose name contains support, helpdesk, service desk,
// customer care or ticket). Without either, every ticket figure is
// unavailable, never zero. Archived tickets are left out. A ticket is
// closed when it has a close_date (tasks: date_end, or state done or
// cancelled). Figures: open tickets; opened and closed in the last 30 days
// (Today and the 29 days before); open tickets by age in days since
// creation (0-2, 3-7, 8-30, 31+) and their median age; open tickets past
// the SLA deadline (sla_deadline before Today or sla_fail; tasks:
// date_deadline, a date-only deadline lasting to the end of its day); SLA
// compliance = tickets closed in the last 90 days by their deadline / those
// closed with a deadline (Odoo's sla_reached_late and sla_fail when there
// is none), like the SLA success rate of Odoo's helpdesk SLA analysis; and
// the median hours from creation to closing of tickets closed in the last
// 90 days.
//
// # Upsell candidates (kind upsell_candidate, not scored)
//
// Current, non-archived customers without churn risk whose health is at
// least customers.upsell_health (70), who placed 2+ orders in the last 180
// days and whose invoiced value there grew at least customers.upsell_growth
// (20%) over the 180 days before; and customers with orders Odoo marks as
// upselling opportunities (invoice_status upselling) in the last 365 days.
// At most customers.upsell_max (20) per company, largest growth first.
package customers
