package areas_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
)

// bare is an analyzer that declares no catalogue.
type bare struct{}

func (bare) Area() string { return "bare" }
func (bare) Analyze(context.Context, *analysis.Env) (*analysis.Result, error) {
	return &analysis.Result{Area: "bare"}, nil
}

// TestCatalogue: every area declares itself; metric names start with
// their area and carry a known unit and a label; an insight kind emitted
// by two areas belongs to both; an analyzer without a declaration is
// catalogued by its area alone.
func TestCatalogue(t *testing.T) {
	t.Parallel()
	cat := analysis.NewCatalogue(append(areas.Analyzers(), bare{})...)
	if got, want := cat.Areas(), []string{"finance", "sales", "operations", "customers", "expenses", "series", "bare"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("areas = %v, want %v", got, want)
	}
	units := []string{"currency", "days", "ratio", "count", "percent"}
	for _, a := range cat.Areas()[:5] {
		info, _ := cat.Area(a)
		if info.Label == "" || len(info.Metrics) == 0 || len(info.InsightKinds) == 0 {
			t.Errorf("area %s declares %+v", a, info)
		}
		for _, m := range info.Metrics {
			if !strings.HasPrefix(m.Name, a+".") || !slices.Contains(units, m.Unit) || m.Label == "" {
				t.Errorf("area %s: metric %+v", a, m)
			}
		}
	}
	if got := cat.AreasOfKind("unusual_transaction"); !reflect.DeepEqual(got, []string{"finance", "expenses"}) {
		t.Errorf("unusual_transaction areas = %v", got)
	}
	if got := cat.AreasOfRole("sales"); !reflect.DeepEqual(got, []string{"sales", "customers"}) {
		t.Errorf("sales role areas = %v", got)
	}
	if got := cat.AreasOfRole("ops"); !reflect.DeepEqual(got, []string{"operations", "expenses"}) {
		t.Errorf("ops role areas = %v", got)
	}
	if info, ok := cat.Area("bare"); !ok || info.Label != "bare" || len(info.Metrics) != 0 {
		t.Errorf("bare = %+v, %v", info, ok)
	}
	if m, ok := cat.Metric("finance.cash.runway_days"); !ok || m.Label != "Cash runway" || m.Unit != "days" || m.Good != "up" {
		t.Errorf("runway = %+v", m)
	}
	if n := len(cat.InsightKinds()); n != 21 {
		t.Errorf("%d insight kinds, want the 21 the analyzers emit", n)
	}
}
