// Package expenses is aicoo's expenses analyzer: duplicate claims, unusual
// expenses, policy breaches, pending claims that would break a budget, and
// spending figures, computed in Go from the synced hr.expense records per
// company and in company currency. Thresholds are read with Env.Threshold
// (the Threshold* constants; defaults in the matching *Default constants).
// Without the hr_expense module every figure is unavailable, never zero.
//
// # Amounts and versions
//
// An expense's amount is total_amount in company currency (17+); in 16,
// where total_amount is in the expense currency, total_amount_company is
// used. Its category is product_id, its date the expense date (else its
// creation date). Refused claims will not be paid: they are left out of
// every detector and distribution. "Posted" means done (16-18) or posted,
// in_payment, paid (19).
//
// # Duplicates (duplicate_expense)
//
// Two expenses of the same employee and company are linked when they are
// dated at most ThresholdDuplicateDays (3) working days apart (Monday to
// Friday, so a receipt filed again after a weekend still matches), their
// amounts differ by at most ThresholdDuplicateAmountTolerance (1%) of the
// larger, and their descriptions have a word similarity (Jaccard index of
// the lower-case words, punctuation ignored) of at least
// ThresholdDuplicateSimilarity (0.5). Linked expenses form groups; one
// insight per group with one expense in the last ThresholdLookbackDays
// (90), citing every hr.expense of the group. The same ticket claimed by
// two colleagues is not a duplicate (different employees); a monthly plan
// of the same amount is not either (a month apart). Priority high when the
// amount claimed more than once reaches ThresholdDuplicateHighAmount
// (1000), else medium.
//
// # Unusual expenses (unusual_transaction on hr.expense)
//
// Expense anomalies live here and vendor-bill anomalies in the finance
// analyzer, so no record is reported by both. An expense dated in the
// lookback window is unusual when its amount is at least
// ThresholdAnomalyFactor (5) times the median of the other expenses of its
// category in its company, at least ThresholdAnomalyZ (3.5) robust
// z-scores above them (log amounts, median and 1.4826*MAD, spread floored
// at 0.1) and at least ThresholdAnomalyTailFactor (3) times their 90th
// percentile. A category needs ThresholdAnomalyMinHistory (10) other
// expenses to be judged. Priority high. hr.expense has no vendor field in
// 16-18, so expenses are judged per category only.
//
// # Policy (expense_policy)
//
// Low-priority findings on non-refused expenses: dated after Today; filed
// (created) in the lookback window more than ThresholdLateFilingDays (90)
// days after the expense date; above the configured per-expense limit
// (ThresholdMaxAmount, or ThresholdMaxAmount + "." + product id for one
// category; no limit by default) when dated in the lookback window.
//
// # Budget risk (expense_budget_risk)
//
// For running cost budget lines on general accounts that expenses are
// booked to, from whichever budget models the database has (package
// analysis/budgets: Odoo 16/17 crossovered.budget.lines, Odoo 18+
// budget.line, aicoo.budget; lines on an analytic account are left out,
// claims being known here by general account only):
// when the books (posted journal items on the account in the period) are
// still within the plan but the claims not yet posted (dated in the
// period, not refused) would take the account over it. Overruns already in
// the books are the finance analyzer's budget_overrun.
//
// # Figures (expenses.*)
//
// claims and amounts of the last 30 and 90 days (refused left out), the
// refusal rate of the last 90 days, approved own-account claims not yet
// reimbursed, the number of duplicate groups and unusual expenses, and the
// 90-day amount per category (expenses.category.<product id>.amount_90d).
package expenses
