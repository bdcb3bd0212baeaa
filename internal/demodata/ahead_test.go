package demodata

import (
	"testing"

	"github.com/aicoo/aicoo/internal/dataset"
)

// TestInvoicesAhead checks that every scenario has posted customer
// invoices dated after Today, created by Today (prepared ahead, so the
// forecast as of Today knows them), open, and that no ground-truth item
// names them.
func TestInvoicesAhead(t *testing.T) {
	t.Parallel()
	forEachScenario(t, func(t *testing.T, ds *dataset.Dataset, gt *GroundTruth) {
		v := newView(ds)
		ahead := map[int64]bool{}
		for _, m := range ds.Records("account.move") {
			if m.Str("state") != "posted" || v.daysAgo(m.Str("date")) >= 0 {
				continue
			}
			if m.Str("move_type") != "out_invoice" || v.daysAgo(m.Str("invoice_date")) >= 0 {
				t.Errorf("%s (%s) is dated %s, after Today", m.Str("name"), m.Str("move_type"), m.Str("date"))
				continue
			}
			if v.daysAgo(m.Str("create_date")) < 0 {
				t.Errorf("%s was created on %s, after Today", m.Str("name"), m.Str("create_date"))
			}
			if m.Float("amount_residual") != m.Float("amount_total") || m.Float("amount_total") <= 0 {
				t.Errorf("%s: residual %v of %v, want open", m.Str("name"), m.Float("amount_residual"), m.Float("amount_total"))
			}
			ahead[m.ID()] = true
		}
		if n := len(ahead); n == 0 || n > 3 {
			t.Errorf("%d invoices prepared ahead, want 1 to 3", n)
		}
		for _, it := range gt.Items {
			for _, id := range it.RecordIDs {
				if it.Model == "account.move" && ahead[id] {
					t.Errorf("ground truth %s names invoice %d, dated after Today", it.Kind, id)
				}
			}
		}
	})
}
