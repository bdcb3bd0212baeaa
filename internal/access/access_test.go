package access_test

import (
	"slices"
	"testing"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/store"
)

func TestTable(t *testing.T) {
	t.Parallel()
	tab := access.New(areas.Catalogue())
	tests := []struct {
		role  string
		perms []access.Perm
		sees  map[string]bool
	}{
		{store.RoleAdmin, access.AllPerms(), map[string]bool{"finance": true, "sales": true, "job": true}},
		{store.RoleCFO, []access.Perm{access.View, access.AlertAct, access.JobRun, access.ActionDecide, access.ActionPropose, access.Rules, access.RulesEdit, access.Thresholds},
			map[string]bool{"finance": true, "operations": true}},
		{store.RoleSales, []access.Perm{access.View, access.AlertAct, access.ActionDecide, access.ActionPropose, access.Thresholds},
			map[string]bool{"finance": false, "sales": true, "customers": true, "job": true}},
		{store.RoleOps, []access.Perm{access.View, access.AlertAct, access.JobRun, access.ActionDecide, access.ActionPropose, access.Thresholds},
			map[string]bool{"finance": false, "operations": true, "expenses": true}},
		{store.RoleViewer, []access.Perm{access.View, access.Rules}, map[string]bool{"finance": true}},
		{"nobody", nil, map[string]bool{"finance": false, "job": false}},
	}
	for _, tt := range tests {
		if got := tab.Perms(tt.role); !slices.Equal(got, tt.perms) {
			t.Errorf("%s holds %v, want %v", tt.role, got, tt.perms)
		}
		for area, want := range tt.sees {
			if got := tab.CanSeeArea(tt.role, area); got != want {
				t.Errorf("%s sees %s: %v, want %v", tt.role, area, got, want)
			}
		}
	}
	if !slices.Equal(tab.Roles(), []string{"admin", "ceo", "cfo", "ops", "sales", "viewer"}) {
		t.Errorf("roles %v", tab.Roles())
	}
	if tab.SeesEveryArea(store.RoleSales) || !tab.SeesEveryArea(store.RoleCEO) {
		t.Error("SeesEveryArea wrong for sales or ceo")
	}
}
