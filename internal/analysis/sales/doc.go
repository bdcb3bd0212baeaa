// Package sales is the sales analyzer: the pipeline by stage, deal
// progression, win and loss rates, a revenue forecast with an interval,
// next-action suggestions and stalled deals.
//
// Deals are crm.lead records of type opportunity (leads not yet converted
// are not in the pipeline, as in Odoo's Pipeline view). Their state follows
// Odoo: won_status in 19; in 16-18 won = in a won stage (crm.stage is_won),
// lost = archived with probability 0 (the lost reason is lost_reason_id),
// other archived deals are ignored, and active deals outside won stages are
// open. Figures are per company in the company currency (expected_revenue
// is in company_currency). A window of N days is Today and the N-1 days
// before it, so a deal closed exactly 30 days ago is outside the 30-day
// window.
//
// # Pipeline (sales.pipeline.*)
//
// Open opportunities per stage and in total: count, expected revenue and
// probability-weighted revenue (expected_revenue × probability / 100, i.e.
// Odoo's prorated_revenue), matching the Pipeline analysis pivot of
// active opportunities grouped by stage.
//
// # Progression and win/loss (sales.deals.*, sales.win_rate.*, sales.lost.*)
//
// Over the last 30 days: opportunities created, stage advances (from the
// chatter's stage tracking, unavailable when it is not synced), deals won
// and lost by date_closed and won expected revenue. sales.cycle_days is
// the median days from creation to winning of deals won in 365 days. Win
// rate = won / (won + lost) of the deals closed in 90 and 365 days, per
// salesperson over 365 days (unavailable when none closed); lost deals per
// lost reason over 365 days ("reason.0" has none).
//
// # Forecast (sales.forecast.*)
//
// Revenue over sales.forecast_days (90) = invoiced run-rate + weighted
// pipeline. The run-rate is the average untaxed invoiced revenue
// (amount_untaxed_signed of posted customer invoices minus credit notes, by
// invoice_date) per 30-day block over the last three blocks, times the
// horizon in blocks; when a year and a month of invoicing support it and
// the monthly backtest (RevenueBacktests: forecasts as of each past month
// end from the invoices entered by then, horizons 1, 3 and 6 months) gives
// the seasonal forecast of internal/analysis/seasonal a lower MAPE than the
// run-rate, that forecast replaces it; the metric's note says which and
// why (docs/forecast.md "Revenue and demand"). The weighted pipeline covers open deals whose
// expected closing (date_deadline) is within the horizon, past or unset.
// The interval is ± z (sales.forecast_z, 1.2816: 10th to 90th percentile)
// standard deviations, the variance being the block-to-block variance of
// invoicing over the last 12 blocks times the horizon in blocks plus
// Σ p(1-p)·revenue² over the deals. The run-rate already holds what past
// wins bring, so the sum leans high when many deals are from existing
// customers. Without invoicing only the pipeline part is available.
//
// # Stalled deals (kind stalled_deal)
//
// The normal time in a stage is learned from the data: the median of the
// completed stays in it (from entering to leaving the stage) — taken from
// the stage tracking messages of the chatter (mail.message, "Stage: A -> B")
// when synced, otherwise from lost deals (date_last_stage_update to
// date_closed in the stage they were lost in). A stage with fewer than
// sales.stage_min_samples (5) stays uses the median of all stages; without
// any stay sales.stage_normal_days (14). The metric
// sales.stage.<id>.normal_days reports it with its source.
//
// An open opportunity is stalled when nothing is planned (no open activity
// due Today or later, no meeting to come) and its last stage change or
// activity — date_last_stage_update, done activities (date_done), logged
// e-mails and comments, past meetings — is more days ago than the larger
// of sales.stall_factor (3) times the normal time of its stage and
// sales.stall_min_days (7). An overdue activity is not a plan. Priority is high from an expected
// revenue of sales.high_value_deal (30,000), medium otherwise; the insight
// cites the crm.lead and its stage.
//
// # Next actions (kinds sales_overdue_activity, deal_without_next_activity)
//
// Per salesperson: open activities on open deals past their date_deadline
// (medium when the oldest is sales.overdue_activity_days (14) late), and
// open deals with no open activity or meeting (stalled deals excluded).
// Without mail.activity these are unavailable.
package sales
