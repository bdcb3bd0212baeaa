package alerts

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// MinPriorityDefault is the least urgent insight priority that opens an
// alert; lower ones stay in the analysis results (noise control).
const MinPriorityDefault = "medium"

// Fingerprint is the alert fingerprint of an insight: its kind and subject,
// so the same invoice overdue run after run is one alert.
func Fingerprint(in analysis.Insight) string { return "insight:" + in.Kind + ":" + in.Subject }

// ReconcileResult counts what ReconcileInsights changed.
type ReconcileResult struct {
	Raised   int // new alerts opened
	Updated  int // open alerts seen again
	Resolved int // open alerts whose condition cleared
}

// ReconcileInsights raises an alert for each insight at least as urgent as
// minPriority and resolves the open alerts of the same area (alert type)
// that the run no longer reports. It runs in one transaction.
func ReconcileInsights(ctx context.Context, s *store.Store, connectionID, resultID int64, area string, insights []analysis.Insight, minPriority string) (ReconcileResult, error) {
	var rr ReconcileResult
	seen := map[string]bool{}
	err := s.InTx(ctx, func(tx *store.Store) error {
		for _, in := range insights {
			if analysis.PriorityRank(in.Priority) > analysis.PriorityRank(minPriority) {
				continue
			}
			fp := Fingerprint(in)
			if seen[fp] {
				continue
			}
			seen[fp] = true
			data, err := json.Marshal(map[string]any{"kind": in.Kind, "subject": in.Subject, "refs": in.Refs, "facts": in.Facts, "score": in.Score, "company_id": in.CompanyID})
			if err != nil {
				return err
			}
			_, created, err := tx.AlertRaise(ctx, store.AlertRaiseParams{
				ConnectionID: connectionID, AnalysisResultID: resultID, Fingerprint: fp, Type: area,
				Priority: in.Priority, Title: in.Title, Description: in.Detail, Data: data,
			})
			if err != nil {
				return err
			}
			if created {
				rr.Raised++
			} else {
				rr.Updated++
			}
		}
		open, err := tx.AlertList(ctx, store.AlertListParams{ConnectionID: connectionID, OpenOnly: true, Type: area, Limit: 100000})
		if err != nil {
			return err
		}
		for _, a := range open {
			if seen[a.Fingerprint] {
				continue
			}
			ok, err := tx.AlertResolveByFingerprint(ctx, connectionID, a.Fingerprint)
			if err != nil {
				return err
			}
			if ok {
				rr.Resolved++
			}
		}
		return nil
	})
	if err != nil {
		return rr, fmt.Errorf("alerts: reconcile %s insights: %w", area, err)
	}
	return rr, nil
}
