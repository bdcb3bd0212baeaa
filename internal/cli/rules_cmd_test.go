package cli

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// storeFinanceResult stores a finance analysis result with a runway metric
// and a low-cash insight, as the finance job would.
func storeFinanceResult(ctx context.Context, t *testing.T, s *store.Store, conn *store.Connection, runway float64) {
	t.Helper()
	job, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: conn.ID, Name: "finance", Schedule: "@every 1h",
		AnalyzerType: analysis.JobTypePrefix + "finance", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := json.Marshal(map[string]analysis.Metric{
		"finance.cash.runway_days": {Name: "finance.cash.runway_days", Value: runway, Unit: "days", Available: true},
	})
	insights, _ := json.Marshal([]analysis.Insight{{Kind: "low_cash_runway", Priority: "high", Title: "Cash runway short",
		Subject: "company:1", Facts: map[string]float64{"runway_days": runway}}})
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	if _, _, err := s.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: conn.ID, JobID: job.ID, ScheduledAt: at, RunAt: at,
		Status: store.ResultSuccess, Metrics: metrics, Insights: insights}); err != nil {
		t.Fatal(err)
	}
}

func TestRulesCommand(t *testing.T) {
	t.Parallel()
	env, s, conn := opsStore(t, []string{"root", "olga"}, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		if _, err := alerts.EnsureBuiltinRules(ctx, s, conn.ID); err != nil {
			t.Fatal(err)
		}
	})
	runSteps(t, env, []cliStep{
		{[]string{"rules", "test"}, 1, "no stored analysis results to test against"},
	})
	storeFinanceResult(context.Background(), t, s, conn, 20)
	runSteps(t, env, []cliStep{
		{[]string{"rules", "list"}, 0, "Cash runway"},
		{[]string{"rules", "show", "Cash runway"}, 0, "runway_days < threshold"},
		{[]string{"rules", "show", "nope"}, 1, `no rule named "nope"`},
		{[]string{"rules", "create", "--expr", "finance.cash.runway_days < threshold"}, 1, "create needs --name"},
		{[]string{"rules", "create", "--name", "bad", "--expr", "finance.cash.runway_days <"}, 1, "unexpected token EOF"},
		{[]string{"rules", "create", "--name", "bad", "--expr", "cash < 3"}, 1, `"cash" is not a metric name`},
		{[]string{"rules", "create", "--name", "bad", "--expr", "finance.cash.runway_days < 3", "--priority", "urgent"}, 1, `priority "urgent" is not critical`},
		{[]string{"rules", "create", "--name", "bad", "--expr", "finance.cash.runway_days < 3", "--pending-for", "soon"}, 1, `--pending-for "soon" is not a duration`},
		{[]string{"rules", "create", "--name", "bad", "--expr", "finance.cash.runway_days < 3", "--user", "ghost"}, 1, `--user "ghost": no such user`},
		{[]string{"rules", "create", "--name", "bad", "--expr", "finance.cash.runway_days < 3", "--channel", "pigeon"}, 1, `"pigeon" is not a channel kind`},
		{[]string{"rules", "create", "--name", "runway-tight", "--expr", "finance.cash.runway_days < threshold", "--threshold", "45",
			"--priority", "critical", "--pending", "3", "--label", "team=finance", "--channel", "email", "--user", "olga"}, 0, `rule "runway-tight" created (critical, enabled)`},
		{[]string{"rules", "create", "--name", "runway-tight", "--expr", "finance.cash.runway_days < 1"}, 1, "already exists"},
		{[]string{"rules", "show", "runway-tight"}, 0, "team=finance"},
		{[]string{"rules", "test", "runway-tight"}, 0, "1 would fire now"},
		{[]string{"rules", "test", "--expr", "finance.cash.runway_days < 10"}, 0, "nothing would fire now"},
		{[]string{"rules", "test", "--kind", "low_cash_runway", "--expr", "runway_days < 25"}, 0, "Cash runway short"},
		{[]string{"rules", "edit", "runway-tight", "--threshold", "10"}, 0, `rule "runway-tight" updated`},
		{[]string{"rules", "edit", "runway-tight", "--expr", "finance.cash.runway_days <<"}, 1, "alerts: expression"},
		{[]string{"rules", "edit", "runway-tight", "--name", "Cash runway"}, 1, "already exists"},
		{[]string{"rules", "test", "runway-tight"}, 0, "nothing would fire now"},
		{[]string{"rules", "test"}, 0, "Cash runway short"},
		{[]string{"rules", "test", "Monitoring job failing"}, 1, "cannot be tested here"},
		{[]string{"rules", "disable", "runway-tight"}, 0, `rule "runway-tight" disabled`},
		{[]string{"rules", "enable", "runway-tight"}, 0, `rule "runway-tight" enabled`},
		{[]string{"rules", "delete", "Cash runway"}, 1, "disable it instead"},
		{[]string{"rules", "delete", "runway-tight"}, 0, `rule "runway-tight" deleted`},
		{[]string{"rules", "delete", "runway-tight"}, 1, `no rule named "runway-tight"`},
		{[]string{"rules", "edit"}, 2, "edit needs one rule NAME"},
		{[]string{"rules", "zap"}, 2, `unknown action "zap"`},
	})
}

func TestRulesEditKeepsUnsetFields(t *testing.T) {
	t.Parallel()
	env, s, conn := opsStore(t, []string{"root"}, nil)
	runSteps(t, env, []cliStep{
		{[]string{"rules", "create", "--name", "r", "--expr", "sales.pipeline.value < threshold", "--threshold", "5", "--priority", "low",
			"--label", "a=1", "--pending-for", "10m", "--disabled"}, 0, "(low, disabled)"},
		{[]string{"rules", "edit", "r", "--priority", "medium"}, 0, "updated"},
	})
	r, err := s.AlertRuleByName(context.Background(), conn.ID, "r")
	if err != nil {
		t.Fatal(err)
	}
	if r.Priority != "medium" || r.Threshold != 5 || r.Labels["a"] != "1" || r.PendingFor != 10*time.Minute || r.Enabled {
		t.Fatalf("rule after edit: %+v", r)
	}
}
