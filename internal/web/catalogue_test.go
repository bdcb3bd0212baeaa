package web

import (
	"context"
	"testing"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/store"
)

// fleet is a fake analyzer area, declared only here.
type fleet struct{}

func (fleet) Area() string { return "fleet" }
func (fleet) Analyze(context.Context, *analysis.Env) (*analysis.Result, error) {
	return &analysis.Result{Area: "fleet"}, nil
}
func (fleet) Catalogue() analysis.AreaInfo {
	return analysis.AreaInfo{Area: "fleet", Label: "Fleet", Roles: []string{store.RoleOps},
		Metrics: []analysis.MetricInfo{{Name: "fleet.trucks.idle", Unit: "count", Label: "Idle trucks", Good: "down"}}}
}

// TestCatalogueArea: an area declared by its analyzer gets its
// permissions (seen by the roles it names and by the roles that see every
// area) and its figures' labels on the dashboard with no edit here.
func TestCatalogueArea(t *testing.T) {
	t.Parallel()
	cat := analysis.NewCatalogue(append(areas.Analyzers(), fleet{})...)
	grants := access.New(cat)
	for role, want := range map[string]bool{store.RoleOps: true, store.RoleSales: false, store.RoleCEO: true, store.RoleAdmin: true} {
		if got := grants.CanSeeArea(role, "fleet"); got != want {
			t.Errorf("%s sees fleet: %v, want %v", role, got, want)
		}
	}
	// The built-in areas keep their grants.
	if !grants.CanSeeArea(store.RoleSales, "customers") || grants.CanSeeArea(store.RoleSales, "finance") || !grants.CanSeeArea(store.RoleOps, "expenses") {
		t.Errorf("grants = %+v", grants)
	}
	kf := keyFiguresOf(cat, "fleet.trucks.idle", "finance.cash.runway_days", "fleet.unknown")
	want := []keyFigure{{Label: "Idle trucks", Metric: "fleet.trucks.idle", Area: "fleet", Good: "down"},
		{Label: "Cash runway", Metric: "finance.cash.runway_days", Area: "finance", Good: "up"},
		{Label: "fleet.unknown", Metric: "fleet.unknown", Area: "fleet"}}
	for i := range want {
		if kf[i] != want[i] {
			t.Errorf("key figure %d = %+v, want %+v", i, kf[i], want[i])
		}
	}
	// Without the area, no limited role sees it.
	if access.New(areas.Catalogue()).IsArea("fleet") {
		t.Error("ops sees an area not catalogued")
	}
}
