package actions

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// TestKindsAreComplete: every type constant has exactly one Kind, whose
// description is whole, whose Validate refuses empty parameters and whose
// Blocked refuses a record that is gone.
func TestKindsAreComplete(t *testing.T) {
	t.Parallel()
	seen := map[Type]bool{}
	for _, k := range builtin.list {
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
	if _, err := builtin.kind("teleport"); err == nil {
		t.Error("an unknown type has a kind")
	}
}

// TestNewKinds: a type declared twice or described incompletely is refused
// when the types are built; an added type follows the built-in ones.
func TestNewKinds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		kind Kind
		want string
	}{
		{"twice", chatterNote{}, "declared twice"},
		{"no label", describedKind{TypeInfo{Type: "pigeon", Model: "res.partner", Roles: financeRoles, Ceiling: ModeApprove}}, "incomplete"},
		{"no roles", describedKind{TypeInfo{Type: "pigeon", Label: "Pigeon", Model: "res.partner", Ceiling: ModeApprove}}, "incomplete"},
		{"default beyond ceiling", describedKind{TypeInfo{Type: "pigeon", Label: "Pigeon", Model: "res.partner", Roles: financeRoles,
			Ceiling: ModeApprove, Default: Policy{Mode: ModeAuto}}}, "incomplete"},
	} {
		if _, err := NewKinds(tt.kind); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	pigeon := describedKind{TypeInfo{Type: "pigeon", Label: "Pigeon", Model: "res.partner", Roles: financeRoles, Ceiling: ModeApprove,
		Default: Policy{Mode: ModeApprove}}}
	ks, err := NewKinds(pigeon)
	if err != nil {
		t.Fatal(err)
	}
	types := ks.Types()
	if len(types) != len(Builtin().Types())+1 || types[len(types)-1].Type != "pigeon" || !ks.MayApprove("pigeon", store.RoleCFO) {
		t.Fatalf("types %+v", types)
	}
	if Builtin().MayApprove("pigeon", store.RoleCFO) {
		t.Error("the built-in types know pigeon")
	}
}

// describedKind is a Kind that only describes itself: NewKinds reads no
// more.
type describedKind struct{ info TypeInfo }

func (k describedKind) Info() TypeInfo       { return k.info }
func (describedKind) Validate(*Params) error { return nil }
func (describedKind) Execute(context.Context, Odoo, *Params, string) (int64, error) {
	return 0, errors.New("not executable")
}
func (describedKind) MarkerDomain(*Params, string) domain.Domain           { return domain.Domain{} }
func (describedKind) RecordFields() []string                               { return nil }
func (describedKind) Stale(context.Context, Odoo, *Params) (string, error) { return "", nil }
func (describedKind) Blocked(*store.Action, odoo.Record) string            { return "" }
func (describedKind) Rollback(context.Context, Odoo, *store.Action) error  { return nil }
