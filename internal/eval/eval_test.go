package eval

import (
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/dataset"
)

func TestScore(t *testing.T) {
	t.Parallel()
	gt := &dataset.GroundTruth{Items: []dataset.Item{
		{Kind: "overdue_invoice", Model: "account.move", RecordIDs: []int64{1}, Priority: "high"},
		{Kind: "overdue_invoice", Model: "account.move", RecordIDs: []int64{2}, Priority: "medium"},
		{Kind: "overdue_invoice", Model: "account.move", RecordIDs: []int64{3}, NearMiss: true},
		{Kind: "duplicate_expense", Model: "hr.expense", RecordIDs: []int64{7, 8}, Priority: "medium"},
	}}
	ins := func(kind, model string, prio string, ids ...int64) analysis.Insight {
		return analysis.Insight{Kind: kind, Priority: prio, Subject: model, Refs: []analysis.Ref{{Model: model, IDs: ids}}}
	}
	res := []*analysis.Result{{Insights: []analysis.Insight{
		ins("overdue_invoice", "account.move", "high", 1),
		ins("overdue_invoice", "account.move", "low", 3),       // the near miss: a false positive
		ins("duplicate_expense", "hr.expense", "medium", 8, 7), // either id of the pair matches
		ins("duplicate_expense", "hr.expense", "medium", 8),    // the same pair reported twice is not a false positive
		ins("stalled_deal", "crm.lead", "medium", 4),           // a kind without ground truth
	}}}
	rep := Score(gt, res)
	got := map[string]KindScore{}
	for _, k := range rep.Kinds {
		got[k.Kind] = k
	}
	if k := got["overdue_invoice"]; k.TP != 1 || k.FP != 1 || k.FN != 1 || k.NearMissesFlagged != 1 || k.PriorityAgreed != 1 || k.Passed() {
		t.Fatalf("overdue_invoice = %+v", k)
	}
	if k := got["duplicate_expense"]; k.TP != 1 || k.FP != 0 || k.FN != 0 || !k.Passed() {
		t.Fatalf("duplicate_expense = %+v", k)
	}
	if _, ok := got["upsell_candidate"]; ok || len(rep.Kinds) != 2 {
		t.Fatalf("only kinds with ground truth are scored: %+v", rep.Kinds)
	}
	var sb strings.Builder
	if err := rep.Write(&sb, true); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(sb.String(), "1 passed, 1 failed\n") {
		t.Fatalf("closing line:\n%s", sb.String())
	}
}
