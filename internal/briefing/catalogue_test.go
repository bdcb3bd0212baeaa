package briefing_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/briefing"
	"github.com/aicoo/aicoo/internal/store"
)

// marketing is an area registered beyond the built-in ones.
type marketing struct{}

func (marketing) Area() string { return "marketing" }

func (marketing) Analyze(context.Context, *analysis.Env) (*analysis.Result, error) {
	return &analysis.Result{Area: "marketing"}, nil
}

func (marketing) Catalogue() analysis.AreaInfo {
	return analysis.AreaInfo{Area: "marketing", Label: "Marketing",
		Metrics: []analysis.MetricInfo{{Name: "marketing.leads.new_30d", Unit: "count", Label: "New leads (30 days)", Good: "up"}}}
}

// TestCatalogueAreas: the areas a role may cover and the figures' labels
// are the generator's catalogue's (Options.Catalogue), and the CEO covers
// every one of its areas.
func TestCatalogueAreas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openStore(t)
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	cmo := briefing.Config{Roles: map[string]briefing.Role{"cmo": {Title: "Marketing briefing", Areas: []string{"marketing"},
		Figures: []string{"marketing.leads.new_30d"}}}}
	if _, err := briefing.New(cmo, briefing.Options{Store: s}); err == nil || !strings.Contains(err.Error(), `unknown area "marketing"`) {
		t.Fatalf("a role over an area of no catalogue: %v", err)
	}
	cat := analysis.NewCatalogue(append(areas.Analyzers(), marketing{})...)
	g, err := briefing.New(cmo, briefing.Options{Store: s, Catalogue: cat})
	if err != nil {
		t.Fatal(err)
	}
	b, err := g.Build(ctx, conn.ID, "cmo", today())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Facts.Figures) != 1 || b.Facts.Figures[0].Label != "New leads (30 days)" {
		t.Errorf("figures %+v, want the catalogue's label", b.Facts.Figures)
	}
	if !slices.Equal(b.Facts.Missing, []string{"marketing"}) {
		t.Errorf("missing %v, want the area not analysed yet", b.Facts.Missing)
	}
	if ceo := briefing.DefaultRoles(cat)[store.RoleCEO]; !slices.Equal(ceo.Areas, cat.Areas()) || !slices.Contains(ceo.Areas, "marketing") {
		t.Errorf("the CEO covers %v, want %v", ceo.Areas, cat.Areas())
	}
	if slices.Contains(briefing.DefaultRoles(areas.Catalogue())[store.RoleCEO].Areas, "marketing") {
		t.Error("the built-in catalogue has a marketing area: the test proves nothing")
	}
}
