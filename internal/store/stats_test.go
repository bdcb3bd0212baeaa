package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestJobRunStatsList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		a, b, quiet := newJob(t, s, c.ID, "a"), newJob(t, s, c.ID, "b"), newJob(t, s, c.ID, "quiet")
		_ = quiet
		base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
		var river int64
		run := func(job int64, at time.Duration, status string, ms int64, msg string) {
			t.Helper()
			river++
			r, err := s.JobRunStart(ctx, store.JobRunStartParams{ConnectionID: c.ID, JobID: job, RiverJobID: river, Attempt: 1,
				ScheduledAt: base.Add(at), StartedAt: base.Add(at)})
			if err != nil {
				t.Fatal(err)
			}
			if status == store.JobRunRunning {
				return
			}
			if err := s.JobRunFinish(ctx, r.ID, store.JobRunFinishParams{Status: status, FinishedAt: base.Add(at + time.Second),
				Duration: time.Duration(ms) * time.Millisecond, Error: msg}); err != nil {
				t.Fatal(err)
			}
		}
		run(a.ID, -time.Hour, store.JobRunFailed, 9999, "before the period") // excluded
		run(a.ID, time.Hour, store.JobRunSucceeded, 100, "")
		run(a.ID, 2*time.Hour, store.JobRunFailed, 300, "odoo: timeout")
		run(a.ID, 3*time.Hour, store.JobRunFailed, 200, "odoo: access denied")
		run(a.ID, 4*time.Hour, store.JobRunSkipped, 0, "")
		run(a.ID, 5*time.Hour, store.JobRunRunning, 0, "")
		run(b.ID, time.Hour, store.JobRunSucceeded, 50, "")

		got, err := s.JobRunStatsList(ctx, c.ID, base)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].JobID != a.ID || got[1].JobID != b.ID {
			t.Fatalf("stats = %+v, want jobs a and b only", got)
		}
		sa, sb := got[0], got[1]
		tests := []struct {
			name      string
			got, want any
		}{
			{"runs", sa.Runs, int64(5)},
			{"failures", sa.Failures, int64(2)},
			{"succeeded", sa.Succeeded, int64(2)},
			{"running", sa.Running, int64(1)},
			{"mean of finished", sa.MeanDuration, 150 * time.Millisecond},
			{"max", sa.MaxDuration, 300 * time.Millisecond},
			{"last error", sa.LastError, "odoo: access denied"},
			{"last failure", sa.LastFailureAt, base.Add(3 * time.Hour)},
			{"b failures", sb.Failures, int64(0)},
			{"b last error", sb.LastError, ""},
			{"b no failure time", sb.LastFailureAt.IsZero(), true},
		}
		for _, tt := range tests {
			if tt.got != tt.want {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			}
		}
	})
}

func TestAlertResponseStatsList(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "ann", Role: store.RoleOps})
		if err != nil {
			t.Fatal(err)
		}
		base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
		n := 0
		raise := func(typ, prio string, created time.Time) int64 {
			t.Helper()
			n++
			a, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: c.ID, Fingerprint: "fp" + string(rune('a'+n)), Type: typ, Priority: prio, Title: "t"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().ExecContext(ctx, `UPDATE alerts SET created_at = $1 WHERE id = $2`, created, a.ID); err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		act := func(id int64, at time.Time) store.AlertActParams {
			return store.AlertActParams{ConnectionID: c.ID, AlertID: id, UserID: u.ID, Actor: u.Username, At: at}
		}
		// High: acknowledged after 10, 20, 30 and 40 minutes; two resolved
		// after 1 and 3 hours; one still acknowledged, one open.
		for i, mins := range []int{10, 20, 30, 40} {
			created := base.Add(time.Duration(i) * time.Hour)
			id := raise("finance", store.PriorityHigh, created)
			if _, err := s.AlertAcknowledge(ctx, act(id, created.Add(time.Duration(mins)*time.Minute)), 0); err != nil {
				t.Fatal(err)
			}
			if i < 2 {
				if _, err := s.AlertResolve(ctx, act(id, created.Add(time.Duration(1+2*i)*time.Hour))); err != nil {
					t.Fatal(err)
				}
			}
		}
		raise("finance", store.PriorityHigh, base)
		// An acknowledgement that expired and was renewed counts from the first.
		renewed := raise("sales", store.PriorityCritical, base)
		if _, err := s.AlertAcknowledge(ctx, act(renewed, base.Add(5*time.Minute)), time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AlertAckExpire(ctx, c.ID, base.Add(7*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AlertAcknowledge(ctx, act(renewed, base.Add(50*time.Minute)), 0); err != nil {
			t.Fatal(err)
		}
		dismissed := raise("sales", store.PriorityCritical, base)
		if _, err := s.AlertDismiss(ctx, act(dismissed, base.Add(time.Minute))); err != nil {
			t.Fatal(err)
		}
		raise("finance", store.PriorityLow, base.Add(-40*24*time.Hour)) // before the period

		got, err := s.AlertResponseStatsList(ctx, store.AlertResponseStatsParams{ConnectionID: c.ID, Since: base.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Priority != store.PriorityCritical || got[1].Priority != store.PriorityHigh {
			t.Fatalf("stats = %+v, want critical then high", got)
		}
		crit, high := got[0], got[1]
		tests := []struct {
			name      string
			got, want any
		}{
			{"high raised", high.Raised, 5},
			{"high acknowledged", high.Acknowledged, 4},
			{"high resolved", high.Resolved, 2},
			{"high open", high.Open, 3},
			{"high ack median (nearest rank of 4)", high.AckMedian, 20 * time.Minute},
			{"high ack p90", high.AckP90, 40 * time.Minute},
			{"high resolve median", high.ResolveMedian, time.Hour},
			{"high resolve p90", high.ResolveP90, 3 * time.Hour},
			{"critical raised", crit.Raised, 2},
			{"critical dismissed", crit.Dismissed, 1},
			{"critical open", crit.Open, 1},
			{"critical first acknowledgement", crit.AckMedian, 5 * time.Minute},
			{"critical nothing resolved", crit.ResolveMedian, time.Duration(0)},
		}
		for _, tt := range tests {
			if tt.got != tt.want {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			}
		}

		// A role that may not see sales alerts gets no critical row.
		got, err = s.AlertResponseStatsList(ctx, store.AlertResponseStatsParams{ConnectionID: c.ID, Since: base.Add(-time.Hour),
			ExcludeTypes: []string{"sales", "customers"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Priority != store.PriorityHigh || got[0].Raised != 5 {
			t.Fatalf("without sales: %+v", got)
		}
	})
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		in   []time.Duration
		p    int
		want time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 50, 7 * time.Millisecond},
		{ms(7), 90, 7 * time.Millisecond},
		{ms(4, 1, 3, 2), 50, 2 * time.Millisecond},
		{ms(4, 1, 3, 2), 90, 4 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 100, 10 * time.Millisecond},
		{ms(1, 2, 3), 1, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := store.Percentile(tt.in, tt.p); got != tt.want {
			t.Errorf("Percentile(%v, %d) = %v, want %v", tt.in, tt.p, got, tt.want)
		}
	}
}
