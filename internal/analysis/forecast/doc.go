// Package forecast is aicoo's 13-week cash forecast: week by week, per
// company and in company currency, opening cash (the bank ledger, as the
// finance analyzer's cash position) plus expected receipts plus expected
// payments gives closing cash, with an 80% band. It is computed in Go from
// the synced records (analysis.Source); the method, with its formulas and
// the backtest, is in docs/forecast.md.
//
// Receipts: open customer invoices at their due date shifted by that
// customer's payment habit (the company's for customers with fewer than
// HabitMinPaid paid invoices in the last HabitWindowDays), confirmed sale
// orders not yet invoiced, and the business not yet ordered (the rate of
// the last RateWindowDaysDefault days, paid with the lags seen over the
// last year). Payments: open vendor bills shifted by the company's paying
// habit, confirmed purchase orders not yet billed, recurring flows detected
// from history (Recurring, each switchable off by ID), and purchases not
// yet ordered. Weighted pipeline is reported per week and counted only
// with Options.Pipeline. Lines and documents dated after the as-of day are
// not in its cash: they come on their date.
//
// Load decodes the records once into a Model; Model.At forecasts as of
// any day from what was known that day, Company.Apply runs a Scenario on
// a forecast, and Model.Backtest scores forecasts made as of past weeks
// against what happened (EvalDemo does it on the demo company, for `aicoo
// eval forecast`).
//
// # Data
//
// account.move, account.move.line (balance, amount_residual,
// date_maturity, matching_number, payment_id, purchase_line_id,
// create_date), account.journal, account.payment (state, is_matched),
// account.payment.term (days), res.currency.rate, res.company,
// res.partner, and when installed sale.order, purchase.order and
// crm.lead. Without the accounting module Load returns an error wrapping
// analysis.ErrUnavailable.
package forecast
