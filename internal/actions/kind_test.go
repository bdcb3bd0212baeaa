package actions

import (
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
)

// TestKindsAreComplete: every type constant has exactly one Kind, whose
// description is whole, whose Validate refuses empty parameters and whose
// Blocked refuses a record that is gone.
func TestKindsAreComplete(t *testing.T) {
	t.Parallel()
	seen := map[Type]bool{}
	for _, k := range kinds {
		info := k.Info()
		if seen[info.Type] {
			t.Errorf("%s has two kinds", info.Type)
		}
		seen[info.Type] = true
		if info.Label == "" || info.Model == "" || info.Operation == "" || info.Inverse == "" || len(info.Roles) == 0 || !info.Ceiling.Valid() {
			t.Errorf("%s: incomplete description %+v", info.Type, info)
		}
		if info.Default.Mode.rank() > info.Ceiling.rank() {
			t.Errorf("%s: default %s beyond its ceiling %s", info.Type, info.Default.Mode, info.Ceiling)
		}
		if err := k.Validate(&Params{}); err == nil {
			t.Errorf("%s: empty parameters validate", info.Type)
		}
		if len(k.RecordFields()) == 0 || !strings.Contains(k.MarkerDomain(&Params{ResID: 1, Model: "account.move"}, "aicoo-mark-7f3a").String(), "aicoo-mark-7f3a") {
			t.Errorf("%s: no record fields or marker domain", info.Type)
		}
		if k.Blocked(&store.Action{RecordModel: info.Model, RecordID: 9}, nil) == "" {
			t.Errorf("%s: a vanished record is not refused", info.Type)
		}
	}
	for _, typ := range []Type{TypeFollowUpActivity, TypeChatterNote, TypePaymentReminder, TypeDraftRFQ, TypeDealMeeting, TypeProjectTask} {
		if !seen[typ] {
			t.Errorf("%s has no kind", typ)
		}
	}
	if _, err := kindOf("teleport"); err == nil {
		t.Error("an unknown type has a kind")
	}
}
