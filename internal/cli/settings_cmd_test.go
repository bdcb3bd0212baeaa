package cli

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
)

// TestSettingsCommand: thresholds are listed with their defaults, refused
// out of range with the reason, stored in the area's analysis job, reset,
// and every change is audited under the acting user.
func TestSettingsCommand(t *testing.T) {
	t.Parallel()
	var jobID int64
	env, s, conn := opsStore(t, []string{"root", "olga"}, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		j, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: conn.ID, Name: "finance-analysis", Schedule: "@every 15m",
			AnalyzerType: "analysis.finance", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		jobID = j.ID
	})
	runSteps(t, env, []cliStep{
		{[]string{"settings", "list", "--area", "finance"}, 0, "finance.overdue_days             60     60       days"},
		{[]string{"settings", "list", "--area", "nope"}, 1, `--area "nope": no such area`},
		{[]string{"settings", "get", "finance.overdue_days"}, 0, "finance.overdue_days = 60 days (default)"},
		{[]string{"settings", "set", "finance.overdue_days", "0"}, 1, "finance.overdue_days must be between 1 and 3650 days, not 0"},
		{[]string{"settings", "set", "finance.overdue_days", "abc"}, 1, `value "abc" is not a number`},
		{[]string{"settings", "set", "finance.overdue_dayz", "4"}, 1, `unknown threshold "finance.overdue_dayz"`},
		{[]string{"settings", "set", "finance.overdue_days"}, 2, "set needs KEY VALUE"},
		{[]string{"settings", "set", "finance.overdue_days", "45", "--as", "nobody"}, 1, `--as "nobody": no such user`},
		{[]string{"settings", "set", "finance.overdue_days", "45", "--as", "olga"}, 0, "finance.overdue_days = 45 days (default 60)"},
		{[]string{"settings", "list", "--area", "finance"}, 0, "finance.overdue_days             45 *"},
		{[]string{"settings", "reset", "finance.overdue_days"}, 0, "finance.overdue_days = 60 days (default)"},
		{[]string{"settings", "set", "sales.stall_factor", "2"}, 1, `no analysis job for this area "sales"`},
	})
	ctx := context.Background()
	j, err := s.MonitoringJobByID(ctx, jobID)
	if err != nil {
		t.Fatal(err)
	}
	if string(j.Config) != "{}" {
		t.Errorf("after reset the job config is %s, want {}", j.Config)
	}
	code, out, _ := run(t, env, "settings", "get", "finance.overdue_high_days", "--json")
	var v struct {
		Key     string  `json:"key"`
		Value   float64 `json:"value"`
		Default float64 `json:"default"`
		Unit    string  `json:"unit"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v.Key != "finance.overdue_high_days" || v.Value != 90 || v.Unit != "days" {
		t.Errorf("get --json: %d %s", code, out)
	}
	rows, err := s.DB().QueryContext(ctx, `SELECT actor, action, subject FROM audit_log WHERE connection_id = $1 ORDER BY seq`, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var a, b, c string
		if err := rows.Scan(&a, &b, &c); err != nil {
			t.Fatal(err)
		}
		got = append(got, a+" "+b+" "+c)
	}
	want := []string{"user:olga settings.threshold_changed threshold:finance.overdue_days", "cli settings.threshold_reset threshold:finance.overdue_days"}
	if !slices.Equal(got, want) {
		t.Errorf("audit:\n got %q\nwant %q", got, want)
	}
}
