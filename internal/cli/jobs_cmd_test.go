package cli

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
)

// TestJobsCommand: schedules are changed by job name, refused below the
// job kind's minimum or when they do not parse, enabled and disabled, and
// every change is audited under the acting user.
func TestJobsCommand(t *testing.T) {
	t.Parallel()
	env, s, conn := opsStore(t, []string{"root", "olga"}, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		for _, p := range []store.MonitoringJobParams{
			{Name: "odoo-sync", Schedule: "@every 5m", AnalyzerType: "odoo.sync"},
			{Name: "finance", Schedule: "@every 1h", AnalyzerType: "analysis.finance"},
		} {
			p.ConnectionID, p.Enabled = conn.ID, true
			if _, err := s.MonitoringJobCreate(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
	})
	runSteps(t, env, []cliStep{
		{[]string{"jobs", "list"}, 0, "finance    analysis.finance  @every 1h  enabled"},
		{[]string{"jobs", "set-schedule", "finance", "@every 2m"}, 1, `schedule "@every 2m" runs 2 minutes apart; an analysis job (analysis.finance) may run at most every 5 minutes`},
		{[]string{"jobs", "set-schedule", "odoo-sync", "@every 30s"}, 1, "an Odoo sync job may run at most every 1 minute"},
		{[]string{"jobs", "set-schedule", "odoo-sync", "*/5 * *"}, 1, "expected 5 to 6 fields"},
		{[]string{"jobs", "set-schedule", "nope", "@every 1h"}, 1, `no job "nope" on connection "default" (jobs: [finance odoo-sync])`},
		{[]string{"jobs", "set-schedule", "finance"}, 2, "set-schedule needs a job NAME and a SCHEDULE"},
		{[]string{"jobs", "set-schedule", "odoo-sync", "@every 1m", "--as", "olga"}, 0, "odoo-sync  odoo.sync  @every 1m  enabled"},
		{[]string{"jobs", "disable", "finance"}, 0, "finance  analysis.finance  @every 1h  disabled  -         -"},
		{[]string{"jobs", "enable", "finance"}, 0, "enabled"},
	})
	code, out, _ := run(t, env, "jobs", "list", "--json")
	var got []struct {
		Name        string  `json:"name"`
		Schedule    string  `json:"schedule"`
		Enabled     bool    `json:"enabled"`
		MinInterval string  `json:"min_interval"`
		NextRunAt   *string `json:"next_run_at"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got) != 2 || got[1].Schedule != "@every 1m" || got[0].MinInterval != "5m0s" ||
		got[0].NextRunAt == nil || !got[0].Enabled {
		t.Fatalf("list --json: %d %s", code, out)
	}
	rows, err := s.DB().QueryContext(context.Background(), `SELECT actor, subject FROM audit_log WHERE connection_id = $1 AND action = 'job.schedule_changed' ORDER BY seq`, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var audit []string
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		audit = append(audit, a+" "+b)
	}
	if want := []string{"user:olga job:odoo-sync", "cli job:finance", "cli job:finance"}; !slices.Equal(audit, want) {
		t.Errorf("audit %q, want %q", audit, want)
	}
}
