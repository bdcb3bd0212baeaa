package alerts_test

import (
	"context"
	"testing"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestReconcileInsights(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		inv := func(id, prio string) analysis.Insight {
			return analysis.Insight{Kind: "overdue_invoice", Priority: prio, Subject: "account.move:" + id, Title: "INV " + id}
		}
		// Run 1: two alerts, the low-priority insight stays quiet.
		rr, err := alerts.ReconcileInsights(ctx, s, c.ID, 0, "finance", []analysis.Insight{inv("1", "high"), inv("2", "medium"), inv("3", "low")}, alerts.MinPriorityDefault)
		if err != nil || rr != (alerts.ReconcileResult{Raised: 2}) {
			t.Fatalf("run 1: %+v %v", rr, err)
		}
		// Run 2: invoice 1 still overdue, invoice 2 paid.
		rr, err = alerts.ReconcileInsights(ctx, s, c.ID, 0, "finance", []analysis.Insight{inv("1", "critical")}, alerts.MinPriorityDefault)
		if err != nil || rr != (alerts.ReconcileResult{Updated: 1, Resolved: 1}) {
			t.Fatalf("run 2: %+v %v", rr, err)
		}
		open, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: c.ID, OpenOnly: true})
		if err != nil || len(open) != 1 || open[0].Priority != "critical" || open[0].Occurrences != 2 {
			t.Fatalf("open alerts: %+v %v", open, err)
		}
		// Another area's alerts are not touched by a finance run.
		if _, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: c.ID, Fingerprint: "x", Type: "sales", Priority: "high", Title: "t"}); err != nil {
			t.Fatal(err)
		}
		rr, err = alerts.ReconcileInsights(ctx, s, c.ID, 0, "finance", nil, alerts.MinPriorityDefault)
		if err != nil || rr.Resolved != 1 {
			t.Fatalf("run 3: %+v %v", rr, err)
		}
		open, _ = s.AlertList(ctx, store.AlertListParams{ConnectionID: c.ID, OpenOnly: true})
		if len(open) != 1 || open[0].Type != "sales" {
			t.Fatalf("only the sales alert must stay open: %+v", open)
		}
	})
}
