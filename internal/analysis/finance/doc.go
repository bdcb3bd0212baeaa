// Package finance is aicoo's finance analyzer: receivables and payables
// aging, cash position, burn and runway, DSO, overdue invoices, budget
// compliance, expenses waiting for approval, unusual vendor bills and
// cost-optimization candidates. Every figure is computed in Go from the
// synced Odoo records, per company and in the company currency (the
// metric's Unit), and thresholds are read with Env.Threshold (the
// Threshold* constants, defaults in the matching *Default constants).
//
// # Data
//
// It reads account.move, account.move.line, account.journal,
// account.account, res.partner, res.company,
// res.currency, the budget models (below), and hr.expense.sheet (16-18) or
// hr.expense (19). Without the accounting module every figure is unavailable, never
// zero; without budgets the budget figure is unavailable. Journal items are
// decoded once per run into compact structs. Archived partners and
// journals count (their open items and money are real); archived
// aicoo.budget lines, cancelled budgets and revenue budget lines do not.
//
// # Aging (finance.ar.*, finance.ap.*)
//
// As Odoo's Aged Receivable and Aged Payable reports: the open journal
// items (amount_residual not zero) of entries in the books by Today (see
// Future-dated entries) on accounts of type
// asset_receivable (liability_payable), amount_residual in company currency,
// bucketed by date_maturity (else the item's date) against Today. Days past
// due = Today - due date: 0 or less is not_due, then 1_30, 31_60, 61_90 and
// over_90 (91 and more). A 31st is 30 days after the 1st of the same month
// and 31 days after the last day of the month before. Partial payments
// leave their residual; credit notes and unreconciled payments are open
// items with the opposite sign and count that way, so a partner can be
// negative. Foreign-currency items count at their company-currency
// residual (Odoo's report does the same; it revalues nothing). Payables
// are shown positive when owed, as Odoo shows them. total and overdue
// (total minus not_due) are per company; partner.<id>.overdue gives the ten
// partners with the largest overdue balance (by the items' partner_id, as
// Odoo groups). ComputeAging exposes the per-partner rows.
//
// # Overdue invoices (overdue_invoice, finance.ar.top_overdue)
//
// One insight per posted customer invoice (out_invoice) with
// amount_residual > 0 whose invoice_date_due is at least
// ThresholdOverdueDays (60) before Today; high from
// ThresholdOverdueHighDays (90), else medium. Refs: the account.move and its
// partner. The amount is amount_residual_signed (company currency), with
// the document-currency residual in the detail when it differs.
// top_overdue_invoices (informational) and finance.ar.top_overdue cite the
// ThresholdTopOverdue (10) largest overdue invoices of any age.
//
// # Cash, burn and runway (finance.cash.*, low_cash_runway)
//
// One source for all: the journal items of posted entries on the default
// (liquidity) accounts of the company's bank and cash journals (archived
// ones included), in company currency.
//
//	cash            = sum of balance (debit - credit) of those items dated
//	                  Today or before: the "balance in general ledger" of
//	                  Odoo's accounting dashboard, summed per company
//	outflows_window = sum of credits of those items dated in the window
//	inflows_window  = sum of debits of those items dated in the window
//	gross_burn_monthly = outflows / (window / 30.4375)
//	burn_monthly       = (outflows - inflows) / (window / 30.4375)
//	runway_days        = cash / (outflows / window)   (9999 with a note when nothing went out)
//	net_runway_days    = cash / ((outflows - inflows) / window), only when net outflow > 0
//
// The window is ThresholdCashWindowDays (90) days ending Today. The items
// are netted per journal entry before they are split into credits and
// debits, so an entry moving money between two of the company's bank and
// cash journals (both legs on liquidity accounts, as a transfer booked in
// one entry) is neither an outflow nor an inflow. A transfer booked as two
// entries (Odoo 16/17 internal-transfer payment pairs, Odoo 18+ statement
// lines against the liquidity transfer account) counts as an outflow of
// one journal and an inflow of the other: net burn is right, gross burn
// counts it (a limit of the bank-line definition, chosen because pairing
// two entries would be a guess). Payments registered but not yet matched
// with the bank sit on outstanding accounts: they are neither cash nor a
// flow until their bank line is booked. Below ThresholdRunwayDays (60) a
// low_cash_runway insight cites the bank and cash journals; critical below
// ThresholdRunwayCriticalDays (30), else high.
//
// # Future-dated entries
//
// Every figure is as of the end of Today: a journal item or entry counts
// when it is posted and its accounting date (which Odoo sets from the
// invoice date) is Today or before (line.bookedBy, move.bookedBy; the same
// rule as Ledger's as-of figures, so history's point for Today equals the
// live figure). An invoice prepared ahead, a bill dated next week or a
// bank line dated tomorrow changes no receivable, payable, aging bucket,
// overdue amount, DSO, cash or burn today; the cash forecast takes them on
// their date. A payment dated after Today that Odoo has already reconciled
// with an invoice does not settle it today: receivables and overdue
// invoices rebuild what was open Today from the reconciliation groups
// (Ledger.AgingAsOf), which for a group dated wholly by Today is Odoo's
// amount_residual.
//
// # DSO (finance.dso_days)
//
//	dso_days = ar.total / credit sales of the window * window days
//
// where credit sales = amount_total_signed (company currency, taxes
// included as receivables are) of the customer invoices minus credit notes
// in the books by Today whose invoice date (else date) is in the window.
// The window is ThresholdCashWindowDays (finance.cash_window_days, 90 days
// ending Today), the same as burn's: one trailing window for the company's
// flows, read by history too, so its DSO point for Today equals this one
// (a separate DSO window would have to be kept equal in both places).
// Without credit sales in the window the figure has a note and value 0.
// Odoo has no DSO report; this is the textbook count-back-free definition.
//
// # Payables due soon (payables_due_soon, finance.ap.due_next_<n>d)
//
// Open payable items due from Today to ThresholdAPDueSoonDays (14) days
// ahead, against cash: medium when they exceed cash, else low.
//
// # Budgets (budget_overrun, finance.budget.*)
//
// Budgets are read from whichever budget models the database has (model
// presence decides, not the version): Odoo 16/17 account_budget
// (crossovered.budget.lines with their crossovered.budget and budgetary
// position account.budget.post), Odoo 18+ account_budget (budget.line with
// their budget.analytic), and aicoo.budget, a fallback for datasets that
// carry aicoo's own flat budgets per account. Only cost budgets are checked:
// a 16/17 line with a negative planned_amount (Odoo's sign for a cost; its
// amount is the plan), an 18 line of a budget of type expense or both
// (budget_amount is the plan), every aicoo.budget line (planned_amount).
// Lines of cancelled budgets are skipped. A line is named as Odoo shows it:
// "<budget> - <budgetary position or analytic account>".
//
// Actual spending is computed by aicoo from posted journal items, never read
// from Odoo's non-stored practical_amount / achieved_amount (a sync does
// not store computed fields, and they would hide what was counted):
//   - a line without an analytic account (16/17 with a budgetary position,
//     aicoo.budget): the balance (debit - credit) of posted journal items of
//     the line's company on the position's accounts dated from date_from to
//     date_to inclusive, as the General Ledger filtered on those accounts
//     and that period shows it;
//   - a line with an analytic account (16/17 analytic_account_id, 18
//     account_id): minus the amount of the analytic lines
//     (account.analytic.line, where costs are negative) of that analytic
//     account in the period whose journal item (move_line_id) is posted;
//     restricted to the position's accounts when a 16/17 line has one, and
//     to expense accounts (account_type expense*) for an 18 budget of type
//     expense. Analytic lines without a journal item (timesheets) do not
//     count.
//
// One insight per line whose actual exceeds its plan, running or ended;
// high from ThresholdBudgetHighRatio (1.25 = 125%), else medium. It refers to
// the budget line (its model and id), its accounts and analytic account.
// The finance.budget.* metrics sum the lines per company; without any
// budget model the figure is unavailable. Each line is also published as
// finance.budget.<model>.<id>.planned and .actual (the model with "_" for
// "."), with the line's period (Metric.Period), its records, its name as
// the plan's note and what it is booked on as the actual's; BudgetLines
// reads them back from a stored result (the dashboard's budget table).
//
// # Unusual vendor bills (unusual_transaction on account.move)
//
// Vendor-bill anomalies live here and expense anomalies in the expenses
// analyzer, so no record is reported by both. A posted vendor bill
// (in_invoice) dated in the last ThresholdBillLookbackDays (90) is unusual
// when its total (company currency) is at least ThresholdBillFactor (5)
// times the median of the vendor's (commercial partner's) other bills, at
// least ThresholdBillZ (3.5) robust z-scores above them (log amounts,
// median and 1.4826*MAD, spread floored at 0.1) and at least
// ThresholdBillTailFactor (3) times their 90th percentile (vendors of goods
// bill small and large orders: the median alone does not describe them).
// A vendor with fewer than ThresholdBillMinHistory (6) other bills is
// compared with the other bills on the same account (the account of the
// bill's largest product line); with too few of those too it is not judged,
// so a first or yearly bill (an annual premium) has no "usual" amount.
// Bills whose every product line bills a purchase order line are not judged
// unless ThresholdBillJudgePO is set: their amount was approved with the
// order and is checked against it. Priority high.
//
// # Cost optimization (vendor_spend_growth, finance.costs.*)
//
// vendor_spend_growth (informational): vendors whose spend (bills minus
// vendor credit notes, company currency, by bill date) over the window grew
// by at least ThresholdSpendGrowthMargin (25 points) more than revenue, both
// against the same days a year earlier, and who hold at least
// ThresholdSpendMinShare (2%) of the window's vendor spend.
// finance.costs.recurring_monthly: the average monthly spend, over the last
// three complete months, of vendors billing in at least five of the last
// six complete months (rent, software, telecom...), citing them.
//
// # Expenses waiting for approval (finance.expenses.*, expense_approval_backlog)
//
// Expense reports in state submit (16-18) or, where hr.expense.sheet does
// not exist (19), expenses in state submitted: count, total_amount
// (total_amount_company in 16) and the days the oldest has waited since it
// was created. Waiting ThresholdApprovalStaleDays (14) or more raises a
// low-priority backlog insight.
package finance
