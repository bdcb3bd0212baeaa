// Package demodata generates a believable demo company as an Odoo dataset,
// with known business problems injected and a ground truth that lists them.
//
// Generate(ctx, Options) simulates two years (HistoryDays) of Nordwind
// Industrial Supply GmbH, a Hamburg distributor of industrial parts (EUR,
// with USD customers and vendors), ending at Options.Today. The same Seed
// and options always give byte-identical files (math/rand/v2 PCG streams,
// one per area, and no map iteration in generation). The result is a
// dataset.Dataset whose GroundTruth is set, ready for Save and for the Odoo
// simulator.
//
// # What is simulated
//
// Day by day: CRM leads move through New, Qualified, Proposition and
// Negotiation (crm.stage) with stage-specific times, are won (a sale order,
// and a new customer for prospects) or lost (archived, probability 0, a lost
// reason), with tracking messages, meetings and open activities. Customers
// order in their own rhythm; orders are delivered when stock allows
// (stock.picking and done stock.move) and invoiced on delivery, with 19%
// VAT in Germany and none abroad. Customers pay early, on time or late by
// habit, sometimes in two parts; a few credit notes are reconciled with
// their invoices. Reordering rules (min/max) buy from each good's usual
// vendor (the lowest-sequence product.supplierinfo, whose delay is the lead
// time); receipts arrive early, on time or late by vendor, are billed and
// the bills paid on their due date. Monthly overheads (rent, energy,
// software in USD, telecom, marketing, freight, fees, payroll, an annual
// insurance premium, petty cash) and the monthly VAT return are billed and
// paid. Employees file expenses grouped in monthly reports; customers open
// helpdesk tickets (project tasks with NoHelpdesk).
//
// Accounting follows Odoo: every move balances in company currency; USD
// documents carry amount_currency and a balance at the rate of their date,
// and each reconciliation books its exchange difference, so receivable and
// payable residuals always equal their balances. Payments of the last three
// days are not matched with the bank yet: their liquidity line sits on the
// outstanding receipts/payments account and their invoice is in_payment.
// Bank and cash balances are the opening balances plus the matched payments.
// Expense reports are not posted to the ledger, and purchases are expensed
// when billed (no perpetual stock valuation). On Odoo 16-18 every done move
// of a storable product has its stock.valuation.layer (signed quantity at
// the product's standard price, which never changes), so the layers give
// the stock value at any date without journal entries; 19 has no layers.
//
// # Problems and their rules
//
// Each kind's rule is applied to the final data, so the ground truth is
// exactly what the rule finds (tests check this both ways); the generator
// makes sure each kind occurs. Dates are relative to Today.
//
//   - overdue_invoice: a posted out_invoice with amount_residual > 0 and
//     invoice_date_due at least OverdueDays (60) days ago; high from 90 days,
//     else medium. One customer slides into ever later payment over the last
//     year, another stopped paying 200 days ago. Near misses: invoices left
//     unpaid 53-57 days past due. Up to three service invoices prepared
//     ahead (dated two to six days after Today, created on Today) are not
//     due yet and in no figure of Today.
//   - low_cash_runway: cash (balance of the posted items dated Today or
//     before on the bank and cash journals' default accounts) divided by
//     the average daily credits on those accounts over the last 90 days
//     (the payments matched with the bank; one not matched yet sits on an
//     outstanding account) is below RunwayDays (60); critical below 30,
//     else high. Only with
//     Options.LowRunway (sales slump over the last five months and a large
//     equipment bill paid 18 days before Today, sized to leave about 38
//     days); otherwise cash covers at least 150 days and the item is a near
//     miss. The item names the bank and cash account.journal records.
//   - stalled_deal: an active opportunity, not in a won stage, whose
//     date_last_stage_update is more than StallFactor (3) times the normal
//     time of its stage ago (New 6, Qualified 12, Proposition 18,
//     Negotiation 10 days) and that has no open activity; high from 30,000
//     EUR expected revenue. Normal deals never exceed 1.6 times. Near misses:
//     equally old deals with a meeting planned.
//   - stockout_risk: a storable product with consumption (done deliveries of
//     the last 90 days) whose quantity on hand is below its average daily
//     consumption times its usual vendor's lead time (delay) and stays below
//     it even with the open incoming receipts added; critical when on hand
//     covers less than half the lead time, else high. Planted by switching
//     reordering rules to manual weeks before Today. Near misses: products
//     below the lead-time demand whose open receipts cover it.
//   - supplier_late: a vendor whose receipts done in the last 90 days were on
//     time (date_done's date not after scheduled_date's date) at least
//     OnTimeDrop (25 points) less often than in the 275 days before; high.
//     Near miss: a vendor often a little late at a stable rate.
//   - churn_risk: a customer with at least ChurnMinOrders (5) confirmed
//     orders whose days since the last order exceed ChurnFactor (3) times
//     their median gap between orders (and 45 days); high from 15 orders.
//     Churners complain through urgent tickets before leaving. Near misses:
//     customers with a natural rhythm of about 115 days.
//   - duplicate_expense: two expenses of one employee in the same category
//     (product_id), dated at most 3 days apart, with amounts within 1%;
//     medium. Near misses: two colleagues' identical train tickets on one
//     day, and a monthly phone plan.
//   - unusual_transaction: an expense of at least AnomalyFactor (5) times
//     its category's median amount, or a vendor bill (booked on expense
//     accounts, vendor with at least 6 bills) of at least 5 times the
//     vendor's median; high. Near misses: a big but ordinary conference
//     ticket and the annual insurance premium.
//   - budget_overrun: an Odoo budget line whose actual (posted journal
//     items on its account within its dates) exceeds the plan; high from
//     125%. Budgets are quarterly per expense account, written as the
//     dataset's Odoo version keeps them: up to 17 crossovered.budget per
//     quarter with crossovered.budget.lines on a budgetary position
//     (account.budget.post) per expense account, planned negative; from 18
//     budget.analytic (type expense) with budget.line on an analytic account
//     per expense account, whose posted journal items are carried as
//     account.analytic.line (the truth item names the line's model); the last
//     complete marketing quarter is made to overrun, and the anomalous
//     energy bill pushes its quarter over. Near miss: the last complete IT
//     quarter at about 96%.
//   - series_anomaly: a one-off service invoice of five normal weeks'
//     revenue on the workday 2 days before Today (a revenue spike; one,
//     whatever the size); high. Near miss: one of 0.15 of a normal week 12
//     days before Today. Neither has an order, delivery or payment due
//     before Today, so no other kind's truth moves (series.go). With 50+
//     orders a week (medium and large), also an orders drop: in the ISO
//     week before Today's every second due sale order is not placed (the
//     truth names the orders placed that week); high. Near miss: one in
//     seven skipped in Today's week. The goods not ordered stay in stock,
//     so the stock-out truth is computed on that stock.
//
// Problem counts grow with the size: Options.Size small plants about two of
// each, medium four, large six.
//
// # Sizes and cost
//
// Seed 1, on a 2-core machine (CPU time; wall time is close to it on an idle
// machine), peak RSS of the whole process:
//
//	size    customer invoices  journal items  stock moves  CPU    peak RSS
//	small   ~1,000             ~13,000        ~4,000       0.5 s  90 MB
//	medium  ~20,000            ~150,000       ~56,000      5 s    1.0 GB
//	large   ~34,000            ~290,000       ~129,000     10 s   2.0 GB
//
// Save writes large in about 4 s (540 MB of JSON) and Load reads it back in
// 15-25 s. To measure, build the test binary and run one benchmark per
// process:
//
//	go test -c -o /tmp/demodata.test ./internal/demodata/
//	DEMODATA_SIZES=1 /usr/bin/time -v /tmp/demodata.test -test.run '^$' \
//	    -test.bench 'Generate/large$' -test.benchtime 1x -test.benchmem
//
// DEMODATA_SIZES=1 also enables TestSizes, which checks medium and large.
package demodata
