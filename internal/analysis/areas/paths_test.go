package areas

import "testing"

func TestMetricPath(t *testing.T) {
	for _, c := range []struct {
		name    string
		company int64
		record  string
		want    string
	}{
		{"finance.ar.overdue", 0, "", "/analytics/finance/overdue-receivables"},
		{"finance.ar.overdue@1", 0, "", "/analytics/finance/overdue-receivables"},
		{"finance.ar.overdue", 2, "", "/analytics/finance/overdue-receivables?company=2"},
		{"finance.ar.partner.1205.overdue", 0, "Alpen Industrieservice KG", "/analytics/finance/overdue-receivables/alpen-industrieservice-kg-1205"},
		{"finance.ar.partner.1205.overdue", 0, "", "/analytics/finance/overdue-receivables/1205"},
		{"finance.ar.partner.7.overdue", 0, "Müller & Söhne GmbH", "/analytics/finance/overdue-receivables/mueller-soehne-gmbh-7"},
		{"finance.ar.1_30", 0, "", "/analytics/finance/receivables-1-30"},
		{"customers.churn_risk.revenue_365d", 0, "", "/analytics/customers/revenue-at-churn-risk-12-months"},
		{"sales.pipeline.stage.3.expected_revenue", 0, "Proposition", "/analytics/sales/pipeline-expected-revenue/proposition-3"},
	} {
		if got := MetricPath(areaOf(c.name), c.name, c.company, c.record); got != c.want {
			t.Errorf("MetricPath(%q, %d, %q) = %q, want %q", c.name, c.company, c.record, got, c.want)
		}
	}
}

func areaOf(name string) string {
	for i := range name {
		if name[i] == '.' {
			return name[:i]
		}
	}
	return name
}

// TestMetricSlugsDistinct: no two catalogued metrics of an area share an
// address.
func TestMetricSlugsDistinct(t *testing.T) {
	cat := Catalogue()
	for _, area := range cat.Areas() {
		info, _ := cat.Area(area)
		seen := map[string]string{}
		for _, m := range info.Metrics {
			s := MetricSlug(m.Name)
			if s == "" {
				t.Errorf("%s has no slug", m.Name)
			}
			if other, ok := seen[s]; ok {
				t.Errorf("%s and %s share the address %s", m.Name, other, s)
			}
			seen[s] = m.Name
			if got := ResolveSlug([]string{m.Name, "finance.ar.partner.1.overdue"}, s, ""); got != m.Name {
				t.Errorf("ResolveSlug(%s) = %q, want %s", s, got, m.Name)
			}
		}
	}
}

func TestResolveSlug(t *testing.T) {
	names := []string{"finance.ar.overdue", "finance.ar.partner.12.overdue", "finance.ar.partner.13.overdue", "finance.ap.partner.12.overdue"}
	for _, c := range []struct{ slug, record, want string }{
		{"overdue-receivables", "", "finance.ar.overdue"},
		{"overdue-receivables", "acme-12", "finance.ar.partner.12.overdue"},
		{"overdue-receivables", "13", "finance.ar.partner.13.overdue"},
		{"payables-overdue", "x-12", "finance.ap.partner.12.overdue"},
		{"overdue-receivables", "14", ""},
		{"overdue-receivables", "acme", ""},
		{"payables-overdue", "", ""},
	} {
		if got := ResolveSlug(names, c.slug, c.record); got != c.want {
			t.Errorf("ResolveSlug(%q, %q) = %q, want %q", c.slug, c.record, got, c.want)
		}
	}
}
