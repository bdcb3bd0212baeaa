package web

import (
	"testing"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis/areas"
)

func TestMetricLabel(t *testing.T) {
	v := newVocab(areas.Catalogue(), actions.Builtin())
	for _, c := range []struct{ key, want string }{
		{"finance.cash.position", "Cash"},
		{"finance.cash.position@1", "Cash"},
		{"finance.cash.position@2", "Cash (company 2)"},
		{"finance.ar.partner.1205.overdue@1", "Overdue receivables — partner 1205"},
		{"customers.health.partner.7", "Health — partner 7"},
		{"sales.win_rate.365d_custom", "Win rate 365 days custom"},
		{"finance.ar.overdue_ratio", "Receivables overdue ratio"},
	} {
		if got := v.metricLabel(c.key); got != c.want {
			t.Errorf("metricLabel(%q) = %q, want %q", c.key, got, c.want)
		}
	}
	if got := v.expressionLabel("finance.cash.runway_days < threshold"); got != "Cash runway < threshold" {
		t.Errorf("expressionLabel = %q", got)
	}
	for area, want := range map[string]string{"finance": "Finance", "series": "Business series", "job_health": "Job health"} {
		if got := v.areaLabel(area); got != want {
			t.Errorf("areaLabel(%q) = %q, want %q", area, got, want)
		}
	}
	if got := roleName("ceo"); got != "CEO" {
		t.Errorf("roleName(ceo) = %q", got)
	}
}
