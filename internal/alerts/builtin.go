package alerts

import (
	"context"
	"fmt"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
)

// Builtin is a built-in rule: its key, stored in alert_rules.builtin, and
// its default definition.
type Builtin struct {
	Key  string
	Spec RuleSpec
}

// notLow keeps the insights an analyzer marks low (context, not alarms).
const notLow = `priority != "low"`

func insightRule(kind, name, desc, cond, prio string, threshold float64, enabled bool) Builtin {
	return Builtin{Key: kind, Spec: RuleSpec{Name: name, Description: desc, Source: store.RuleSourceInsight, InsightKind: kind,
		Expression: cond, Threshold: threshold, Priority: prio, Enabled: enabled}}
}

// BuiltinRules returns the built-in rules: one per analyzer signal, and the
// job engine's "monitoring job failing". Those that only carry context
// (analyzers mark them low) start disabled.
func BuiltinRules() []Builtin {
	return []Builtin{
		insightRule("low_cash_runway", "Cash runway", "Cash covers fewer days of outflows than the threshold: high under 60 days, critical under 30.",
			`runway_days < threshold`, `runway_days < 30 ? "critical" : "high"`, 60, true),
		insightRule("overdue_invoice", "Receivables 60+ days past due", "A customer invoice is 60 days or more past due with at least the threshold unpaid (high from 90 days, critical from 90 days with 10,000 or more unpaid: finance.overdue_critical_amount).",
			`days_overdue >= 60 && amount_residual_signed >= threshold`, PriorityInsight, 0, true),
		insightRule("stalled_deal", "Stalled deal", "An open deal idle far longer than deals usually stay in its stage, worth at least the threshold (high from the analyzer's high-value limit).",
			`expected_revenue >= threshold`, PriorityInsight, 0, true),
		insightRule("stockout_risk", "Stock-out within lead time", "A product runs out before a replenishment ordered today can arrive; graded by the sales at risk (open order lines plus sales over the lead time): critical when it runs out within half the lead time with 10,000 or more at risk, high from 1,000, medium below (operations.stockout_* thresholds).",
			notLow, PriorityInsight, 0, true),
		insightRule("supplier_late", "Late supplier", "A vendor's on-time rate fell significantly.", notLow, PriorityInsight, 0, true),
		insightRule("duplicate_expense", "Duplicate expense", "Expenses with close amounts, dates and descriptions may be claimed twice.",
			notLow, PriorityInsight, 0, true),
		insightRule("churn_risk", "Churn risk", "A customer has not ordered for much longer than their usual rhythm.", notLow, PriorityInsight, 0, true),
		insightRule("budget_overrun", "Budget overrun", "Actual spending is above the budget.", notLow, PriorityInsight, 0, true),
		insightRule("series_anomaly", "Unusual week", "Revenue, orders, receipts, cash or an expense category left its expected range this week or last.", notLow, PriorityInsight, 0, true),
		insightRule("unusual_transaction", "Unusual transaction", "A bill or an expense far above its usual amount.", notLow, PriorityInsight, 0, true),
		insightRule("payables_due_soon", "Payables due soon", "Vendor bills falling due soon.", notLow, PriorityInsight, 0, true),
		insightRule("late_deliveries", "Late deliveries", "Too many customer deliveries are late.", notLow, PriorityInsight, 0, true),
		insightRule("bottleneck", "Operations bottleneck", "Work piles up in one operation or stage.", notLow, PriorityInsight, 0, true),
		insightRule("expense_budget_risk", "Expense budget at risk", "An expense category is on course to exceed its budget.", notLow, PriorityInsight, 0, true),
		insightRule("top_overdue_invoices", "Largest overdue invoices", "The largest overdue invoices, whatever their age.", "", PriorityInsight, 0, false),
		insightRule("vendor_spend_growth", "Vendor spend growth", "Spending with a vendor grows.", "", PriorityInsight, 0, false),
		insightRule("expense_approval_backlog", "Expense approval backlog", "Expense reports wait for approval.", "", PriorityInsight, 0, false),
		insightRule("sales_overdue_activity", "Overdue sales activities", "Planned sales activities are overdue.", "", PriorityInsight, 0, false),
		insightRule("deal_without_next_activity", "Deal without next activity", "Open deals with nothing planned.", "", PriorityInsight, 0, false),
		insightRule("expense_policy", "Expense policy", "An expense breaks the expense policy.", "", PriorityInsight, 0, false),
		insightRule("upsell_candidate", "Upsell candidate", "A customer who may buy more.", "", PriorityInsight, 0, false),
		{Key: "monitoring_job_failing", Spec: RuleSpec{Name: "Monitoring job failing",
			Description: "A monitoring job failed several scheduled runs in a row (raised by the job engine).",
			Source:      store.RuleSourceAlert, InsightKind: "system:monitoring_job_failing:", Priority: store.PriorityHigh, Enabled: true}},
	}
}

// EnsureBuiltinRules creates the built-in rules a connection lacks; rules
// already there, with their edits, are kept. It returns how many it made.
func EnsureBuiltinRules(ctx context.Context, s *store.Store, connectionID int64) (int, error) {
	n := 0
	err := s.InTx(ctx, func(tx *store.Store) error {
		for _, b := range BuiltinRules() {
			_, created, err := tx.AlertRuleEnsureBuiltin(ctx, b.Spec.params(connectionID, b.Key))
			if err != nil {
				return err
			}
			if created {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("alerts: built-in rules: %w", err)
	}
	return n, nil
}

// compileStored compiles a stored rule; alert-source rules (built-in) have
// no expression.
func compileStored(cat *analysis.Catalogue, chans *notify.Registry, r *store.AlertRule) (*Program, error) {
	sp := SpecOf(r)
	if r.Source == store.RuleSourceAlert {
		return &Program{Spec: sp, fixedPrio: r.Priority}, nil
	}
	return CompileIn(cat, chans, sp)
}

// matchesAlert reports whether an alert-source rule routes the alert: its
// InsightKind is "type:fingerprint prefix".
func matchesAlert(r *store.AlertRule, a *store.AlertDetail) bool {
	typ, prefix, _ := strings.Cut(r.InsightKind, ":")
	return a.Type == typ && strings.HasPrefix(a.Fingerprint, prefix)
}
