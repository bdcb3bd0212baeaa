package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestCheckScheduleMinimumInterval(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 2, 0, 0, time.UTC)
	for _, tc := range []struct {
		typ, expr, wantErr string
	}{
		{"odoo.sync", "@every 1m", ""},
		{"odoo.sync", "@every 30s", `schedule "@every 30s" runs 30s apart; an Odoo sync job may run at most every 1 minute`},
		{"odoo.sync", "*/20 * * * * *", "runs 20s apart"},
		{"analysis.finance", "@every 5m", ""},
		{"analysis.finance", "*/2 * * * *", `runs 2 minutes apart; an analysis job (analysis.finance) may run at most every 5 minutes`},
		// Irregular: usually an hour apart, but 9:00 and 9:01 are a minute apart.
		{"analysis.finance", "0,1 9 * * *", "runs 1 minute apart"},
		{"analysis.finance", "30 6 * * 1-5", ""},
		{"actions.maintain", "@every 1m", ""},
		{"analysis.sales", "every hour", `schedule "every hour"`},
		{"analysis.sales", "61 * * * *", "end of range (61) above maximum (59)"},
	} {
		_, err := jobs.CheckSchedule(tc.typ, tc.expr, now)
		var se *jobs.ScheduleError
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s %q: %v", tc.typ, tc.expr, err)
		case tc.wantErr != "" && (!errors.As(err, &se) || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s %q: %v, want a ScheduleError containing %q", tc.typ, tc.expr, err, tc.wantErr)
		}
	}
}

func TestUpdateSchedule(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "other"})
		if err != nil {
			t.Fatal(err)
		}
		j, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: c.ID, Name: "finance", Schedule: "@every 1h",
			AnalyzerType: "analysis.finance", Config: []byte(`{"thresholds":{"finance.overdue_days":45}}`), Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 12, 7, 10, 2, 0, 0, time.UTC)
		off, on := false, true
		for _, tc := range []struct {
			name     string
			change   jobs.ScheduleChange
			wantErr  string
			schedule string
			enabled  bool
			next     time.Time
		}{
			{"too often", jobs.ScheduleChange{Schedule: "@every 1m"}, "may run at most every 5 minutes", "", false, time.Time{}},
			{"bad cron", jobs.ScheduleChange{Schedule: "*/15 * * *"}, "expected 5 to 6 fields", "", false, time.Time{}},
			{"another connection's job", jobs.ScheduleChange{ConnectionID: other.ID, Schedule: "@every 10m"}, "not found", "", false, time.Time{}},
			{"every 15 minutes", jobs.ScheduleChange{Schedule: "@every 15m"}, "", "@every 15m", true, time.Date(2026, 12, 7, 10, 15, 0, 0, time.UTC)},
			{"disable", jobs.ScheduleChange{Enabled: &off}, "", "@every 15m", false, time.Time{}},
			{"cron and enable", jobs.ScheduleChange{Schedule: "30 6 * * 1-5", Enabled: &on}, "", "30 6 * * 1-5", true, time.Date(2026, 12, 8, 6, 30, 0, 0, time.UTC)},
		} {
			ch := tc.change
			if ch.ConnectionID == 0 {
				ch.ConnectionID = c.ID
			}
			ch.JobID, ch.Actor, ch.Now = j.ID, "user:olga", now
			got, err := jobs.UpdateSchedule(ctx, s, ch)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%s: %v, want %q", tc.name, err, tc.wantErr)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			stored, err := s.MonitoringJobByID(ctx, j.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range []*store.MonitoringJob{got, stored} {
				if x.Schedule != tc.schedule || x.Enabled != tc.enabled || !x.NextRunAt.Equal(tc.next) {
					t.Fatalf("%s: schedule %q enabled %v next %v, want %q %v %v", tc.name, x.Schedule, x.Enabled, x.NextRunAt, tc.schedule, tc.enabled, tc.next)
				}
			}
			if string(stored.Config) != `{"thresholds":{"finance.overdue_days":45}}` && !strings.Contains(string(stored.Config), `"finance.overdue_days": 45`) {
				t.Fatalf("%s: the config changed: %s", tc.name, stored.Config)
			}
		}
		// A job whose old schedule is below today's minimum can still be
		// disabled, but not enabled again without a valid schedule.
		legacy, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: c.ID, Name: "legacy", Schedule: "@every 1m",
			AnalyzerType: "analysis.sales", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jobs.UpdateSchedule(ctx, s, jobs.ScheduleChange{ConnectionID: c.ID, JobID: legacy.ID, Enabled: &off, Actor: "cli", Now: now}); err != nil {
			t.Fatalf("disabling a job with an old too-frequent schedule: %v", err)
		}
		if _, err := jobs.UpdateSchedule(ctx, s, jobs.ScheduleChange{ConnectionID: c.ID, JobID: legacy.ID, Enabled: &on, Actor: "cli", Now: now}); err == nil {
			t.Fatal("enabled a job with a too-frequent schedule")
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE connection_id = $1 AND action = 'job.schedule_changed' AND actor = 'user:olga'`, c.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Fatalf("%d audit entries, want one per change (3)", n)
		}
	})
}
