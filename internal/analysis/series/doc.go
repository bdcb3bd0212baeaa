// Package series watches the daily business series that matter for
// unusual weeks: revenue, confirmed sale orders, receipts, the cash balance
// and expenses by category, built from the synced records.
//
// Each series runs through anomaly.Daily (a streaming detector that learns
// the weekday profile and removes trend). A detector alert in the last
// RecentDays is reported only when its ISO week, up to Today, also leaves
// the expected range: the same weekdays of the eight weeks before, scaled
// by the ratio the same weeks showed last year when two years of history
// exist (the yearly season), plus or minus 2.5 standard deviations (at
// least the Poisson spread for counts). One week raises at most one insight
// per series (kind series_anomaly, subject "series:<name>:<ISO week>");
// older alerts are history, counted in a metric. No area analyzer imports
// this package.
package series
