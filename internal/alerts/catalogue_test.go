package alerts_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// fleet is a fake analyzer area, declared only here.
type fleet struct{}

func (fleet) Area() string { return "fleet" }
func (fleet) Analyze(context.Context, *analysis.Env) (*analysis.Result, error) {
	return &analysis.Result{Area: "fleet"}, nil
}
func (fleet) Catalogue() analysis.AreaInfo {
	return analysis.AreaInfo{Area: "fleet", Label: "Fleet", Roles: []string{store.RoleOps},
		Metrics:      []analysis.MetricInfo{{Name: "fleet.trucks.idle", Unit: "count", Label: "Idle trucks", Good: "down"}},
		InsightKinds: []analysis.InsightKindInfo{{Kind: "truck_idle", Label: "Idle truck"}}}
}

// TestCatalogueArea: an area declared by its analyzer is one rules can
// read (metric and insight rules compile and fire on its results) with no
// edit to this package; without it, the same rules are refused.
func TestCatalogueArea(t *testing.T) {
	t.Parallel()
	metricRule := alerts.RuleSpec{Name: "idle trucks", Source: "metric", Expression: "fleet.trucks.idle > threshold", Threshold: 2, Priority: "high", Enabled: true}
	insightRule := alerts.RuleSpec{Name: "idle truck", Source: "insight", InsightKind: "truck_idle", Priority: "medium", Enabled: true}
	for _, sp := range []alerts.RuleSpec{metricRule, insightRule} {
		if _, err := alerts.Compile(sp); err == nil {
			t.Fatalf("rule %q compiled without the fleet area", sp.Name)
		}
	}
	cat := analysis.NewCatalogue(append(areas.Analyzers(), fleet{})...)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		e := alerts.New(s, alerts.Config{Catalogue: cat})
		for _, sp := range []alerts.RuleSpec{metricRule, insightRule} {
			if _, err := e.RuleCreate(ctx, conn.ID, sp, alerts.Actor{}); err != nil {
				t.Fatalf("rule %q: %v", sp.Name, err)
			}
		}
		er, err := e.Evaluate(ctx, conn.ID, &analysis.Result{Area: "fleet",
			Metrics:  []analysis.Metric{{Name: "fleet.trucks.idle", Value: 5, Unit: "count", Available: true}},
			Insights: []analysis.Insight{{Kind: "truck_idle", Priority: "medium", Title: "Truck 7 idle for 9 days", Subject: "fleet.vehicle:7"}}})
		if err != nil {
			t.Fatal(err)
		}
		if er.Raised != 2 {
			t.Fatalf("raised %d alerts, want 2 (metric and insight rules): %+v", er.Raised, er)
		}
		var titles []string
		for _, c := range er.Changes {
			if c.Area != "fleet" {
				t.Errorf("alert %q has area %q", c.Title, c.Area)
			}
			titles = append(titles, c.Title)
		}
		if !strings.Contains(strings.Join(titles, "|"), "Truck 7 idle for 9 days") {
			t.Errorf("alerts %q, want the insight's", titles)
		}
	})
}
