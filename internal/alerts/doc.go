// Package alerts turns findings into alerts and decides who hears about
// them, when.
//
// Rules. Every alert comes from a rule stored per connection
// (store.AlertRule). Built-in rules (BuiltinRules) cover every analyzer
// signal and the job engine's "monitoring job failing" alert; they are
// created per connection by EnsureBuiltinRules and can be edited or
// disabled, not deleted. User-defined rules are expressions in the expr
// language (github.com/expr-lang/expr), compiled when saved:
//
//   - an insight rule matches the insights of one kind; its expression (may
//     be empty) reads the insight's facts by name (days_overdue,
//     runway_days...), plus priority, score, subject, company_id, kind and
//     threshold;
//   - a metric rule reads metrics by their dotted names
//     (finance.cash.runway_days < threshold) of one area, evaluated per
//     company.
//
// A rule's priority is a name (critical, high, medium, low), "insight" (the
// insight's own), or an expression giving a name
// (runway_days < 30 ? "critical" : "high"). A pending period (N
// evaluations, a duration, or both) must pass before a holding condition
// fires. Labels, channels, an escalation policy and the grouping times
// complete a rule.
//
// Lifecycle. An alert is new, then acknowledged, then resolved, or
// dismissed. It is deduplicated by fingerprint (rule and subject), resolved
// with a note when its condition clears, and a new alert for a fingerprint
// seen before links to the earlier one. Every change is kept with who, when
// and why in alert_events.
//
// Evaluation runs after each analysis (Engine.Evaluate); notifications,
// escalation and digests run on a periodic tick (Engine.Tick). The tick
// groups the alerts of a rule into one notification (group wait, group
// interval, repeat interval, as in Prometheus Alertmanager), keeps silenced,
// snoozed and inhibited alerts quiet (a critical alert hides its less
// urgent twins of the same subject), caps the notifications a user gets per
// day (critical alerts and escalations pass, the rest go to the next day's
// digest), and climbs escalation policies until an alert is acknowledged.
// An alert climbs its rule's policy, else the policy attached to its
// priority (tickState.policyFor), else none.
// Notifications are handed to a Notifier in the transaction that decides
// them, so an outbox written there is exactly as durable as the decision.
//
// Metrics (NewMetrics) expose the alerts by status and priority, read from
// the store at scrape time, and the time to acknowledge, observed by
// Engine.Acknowledge.
package alerts
