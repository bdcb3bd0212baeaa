package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func newConnection(t *testing.T, s *store.Store) *store.Connection {
	t.Helper()
	c, err := s.ConnectionUpsert(context.Background(), store.ConnectionUpsertParams{Name: "acme", OdooURL: "https://acme.odoo.com", OdooDatabase: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newJob(t *testing.T, s *store.Store, connID int64, name string) *store.MonitoringJob {
	t.Helper()
	j, err := s.MonitoringJobCreate(context.Background(), store.MonitoringJobParams{
		ConnectionID: connID, Name: name, Schedule: "*/5 * * * *", AnalyzerType: "finance",
		Config: json.RawMessage(`{"threshold":60}`), Enabled: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		pending, err := s.MigrationsPending(ctx)
		if err != nil || pending {
			t.Fatalf("after Migrate: pending=%v err=%v", pending, err)
		}
		n, err := s.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second Migrate must be a no-op: applied=%d err=%v", n, err)
		}
	})
}

func TestMigrationsPendingOnEmptyDatabase(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s, err := store.Open(context.Background(), storetest.Config(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			pending, err := s.MigrationsPending(context.Background())
			if err != nil || !pending {
				t.Fatalf("empty database: pending=%v err=%v", pending, err)
			}
		})
	}
}

func TestConnection(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		again, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme", OdooURL: "https://new.example.com", OdooDatabase: "acme2"})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != c.ID || again.OdooURL != "https://new.example.com" || again.OdooProtocol != "auto" {
			t.Fatalf("upsert must update in place: %+v", again)
		}
		got, err := s.ConnectionByName(ctx, "acme")
		if err != nil || got.OdooDatabase != "acme2" {
			t.Fatalf("ConnectionByName = %+v, %v", got, err)
		}
		if _, err := s.ConnectionByName(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing connection: want ErrNotFound, got %v", err)
		}
		list, err := s.Connections(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("Connections = %v, %v", list, err)
		}
	})
}

func TestMonitoringJob(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		j := newJob(t, s, c.ID, "cash")
		if string(j.Config) != `{"threshold":60}` && !strings.Contains(string(j.Config), `"threshold": 60`) {
			t.Fatalf("config = %s", j.Config)
		}
		if _, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: c.ID, Name: "cash", Schedule: "@hourly", AnalyzerType: "x"}); err == nil {
			t.Fatal("duplicate name on one connection must fail")
		}
		if _, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: c.ID, Name: "bad", Schedule: "@hourly", AnalyzerType: "x", Config: json.RawMessage(`{`)}); err == nil {
			t.Fatal("invalid JSON config must fail")
		}
		ensured, created, err := s.MonitoringJobEnsure(ctx, store.MonitoringJobParams{ConnectionID: c.ID, Name: "cash", Schedule: "@daily", AnalyzerType: "finance"})
		if err != nil || created || ensured.Schedule != "*/5 * * * *" {
			t.Fatalf("Ensure must keep the existing job: %+v created=%v err=%v", ensured, created, err)
		}
		upd, err := s.MonitoringJobUpdate(ctx, j.ID, store.MonitoringJobParams{Name: "cash", Schedule: "@hourly", AnalyzerType: "finance", Enabled: false})
		if err != nil || upd.Schedule != "@hourly" || upd.Enabled {
			t.Fatalf("update = %+v, %v", upd, err)
		}
		enabled, err := s.MonitoringJobList(ctx, store.MonitoringJobListParams{EnabledOnly: true})
		if err != nil || len(enabled) != 0 {
			t.Fatalf("enabled jobs = %v, %v", enabled, err)
		}
		all, err := s.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: c.ID})
		if err != nil || len(all) != 1 {
			t.Fatalf("all jobs = %v, %v", all, err)
		}
		now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
		for i, ok := range []bool{false, false, true, false} {
			n, err := s.MonitoringJobRecordOutcome(ctx, j.ID, now, ok)
			if err != nil {
				t.Fatal(err)
			}
			want := []int{1, 2, 0, 1}[i]
			if n != want {
				t.Fatalf("outcome %d: consecutive failures = %d, want %d", i, n, want)
			}
		}
		got, err := s.MonitoringJobByID(ctx, j.ID)
		if err != nil || !got.LastRunAt.Equal(now) || got.LastStatus != "failed" {
			t.Fatalf("after outcomes: %+v, %v", got, err)
		}
		if err := s.MonitoringJobDelete(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MonitoringJobByID(ctx, j.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted job: want ErrNotFound, got %v", err)
		}
	})
}

func TestJobRunAbandonsDeadAttempts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		j := newJob(t, s, c.ID, "cash")
		sched := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
		first, err := s.JobRunStart(ctx, store.JobRunStartParams{ConnectionID: c.ID, JobID: j.ID, RiverJobID: 42, Attempt: 1, ScheduledAt: sched, StartedAt: sched.Add(time.Second), Worker: "a"})
		if err != nil {
			t.Fatal(err)
		}
		// The process running attempt 1 dies; attempt 2 starts elsewhere.
		second, err := s.JobRunStart(ctx, store.JobRunStartParams{ConnectionID: c.ID, JobID: j.ID, RiverJobID: 42, Attempt: 2, ScheduledAt: sched, StartedAt: sched.Add(time.Minute), Worker: "b"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.JobRunFinish(ctx, second.ID, store.JobRunFinishParams{Status: store.JobRunSucceeded, FinishedAt: sched.Add(61 * time.Second), Duration: time.Second}); err != nil {
			t.Fatal(err)
		}
		got, err := s.JobRunByID(ctx, first.ID)
		if err != nil || got.Status != store.JobRunAbandoned {
			t.Fatalf("first attempt = %+v, %v", got, err)
		}
		got, err = s.JobRunByID(ctx, second.ID)
		if err != nil || got.Status != store.JobRunSucceeded || got.Duration != time.Second || !got.ScheduledAt.Equal(sched) {
			t.Fatalf("second attempt = %+v, %v", got, err)
		}
		runs, err := s.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
		if err != nil || len(runs) != 2 || runs[0].ID != second.ID {
			t.Fatalf("runs = %v, %v", runs, err)
		}
		if err := s.JobRunFinish(ctx, 99999, store.JobRunFinishParams{Status: store.JobRunFailed}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("finish unknown run: %v", err)
		}
	})
}

func TestAnalysisResultStoredOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		j := newJob(t, s, c.ID, "cash")
		sched := time.Date(2026, 11, 27, 10, 5, 0, 123456789, time.UTC)
		p := store.AnalysisResultParams{ConnectionID: c.ID, JobID: j.ID, ScheduledAt: sched, RunAt: sched, Status: store.ResultSuccess,
			Metrics: json.RawMessage(`{"runway_days":42}`), Duration: 1500 * time.Millisecond}
		r1, inserted, err := s.AnalysisResultInsert(ctx, p)
		if err != nil || !inserted {
			t.Fatalf("first insert: inserted=%v err=%v", inserted, err)
		}
		p.Metrics = json.RawMessage(`{"runway_days":1}`)
		r2, inserted, err := s.AnalysisResultInsert(ctx, p)
		if err != nil || inserted || r2.ID != r1.ID {
			t.Fatalf("second insert must keep the first: inserted=%v id=%d/%d err=%v", inserted, r2.ID, r1.ID, err)
		}
		var m map[string]float64
		if err := json.Unmarshal(r2.Metrics, &m); err != nil || m["runway_days"] != 42 {
			t.Fatalf("metrics = %s (%v)", r2.Metrics, err)
		}
		if r2.Duration != 1500*time.Millisecond || !r2.ScheduledAt.Equal(sched.Truncate(time.Microsecond)) {
			t.Fatalf("result = %+v", r2)
		}
		list, err := s.AnalysisResultList(ctx, store.AnalysisResultListParams{ConnectionID: c.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("list = %v, %v", list, err)
		}
	})
}

func TestAlertRaiseDeduplicates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		p := store.AlertRaiseParams{ConnectionID: c.ID, Fingerprint: "runway", Type: "financial", Priority: store.PriorityHigh, Title: "Runway 55 days"}
		a1, created, err := s.AlertRaise(ctx, p)
		if err != nil || !created || a1.Status != store.AlertNew {
			t.Fatalf("first raise: %+v created=%v err=%v", a1, created, err)
		}
		p.Priority, p.Title = store.PriorityCritical, "Runway 25 days"
		a2, created, err := s.AlertRaise(ctx, p)
		if err != nil || created || a2.ID != a1.ID || a2.Occurrences != 2 || a2.Priority != store.PriorityCritical || a2.Title != "Runway 25 days" {
			t.Fatalf("second raise must update the open alert: %+v created=%v err=%v", a2, created, err)
		}
		p.Priority = store.PriorityLow
		a3, _, err := s.AlertRaise(ctx, p)
		if err != nil || a3.Priority != store.PriorityCritical {
			t.Fatalf("priority must not drop while open: %+v %v", a3, err)
		}
		resolved, err := s.AlertResolveByFingerprint(ctx, c.ID, "runway")
		if err != nil || !resolved {
			t.Fatalf("resolve: %v %v", resolved, err)
		}
		a4, created, err := s.AlertRaise(ctx, p)
		if err != nil || !created || a4.ID == a1.ID {
			t.Fatalf("a new occurrence after resolution is a new alert: %+v created=%v err=%v", a4, created, err)
		}
		open, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: c.ID, OpenOnly: true})
		if err != nil || len(open) != 1 || open[0].ID != a4.ID {
			t.Fatalf("open alerts = %v, %v", open, err)
		}
		all, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: c.ID})
		if err != nil || len(all) != 2 {
			t.Fatalf("all alerts = %v, %v", all, err)
		}
	})
}

func TestAlertRaiseConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for range 20 {
			wg.Go(func() {
				_, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: c.ID, Fingerprint: "job:1", Type: "system", Priority: store.PriorityHigh, Title: "t"})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		open, err := s.AlertList(ctx, store.AlertListParams{ConnectionID: c.ID, OpenOnly: true})
		if err != nil || len(open) != 1 || open[0].Occurrences != 20 {
			t.Fatalf("want one open alert seen 20 times, got %+v (%v)", open, err)
		}
	})
}

func TestUser(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		if _, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "x", Role: "god"}); err == nil {
			t.Fatal("unknown role must fail")
		}
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "admin", Role: store.RoleAdmin, PasswordHash: "h1"})
		if err != nil || u.Timezone != "UTC" {
			t.Fatalf("create: %+v %v", u, err)
		}
		if err := s.UserSetPassword(ctx, u.ID, "h2"); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserByUsername(ctx, c.ID, "admin")
		if err != nil || got.PasswordHash != "h2" {
			t.Fatalf("get: %+v %v", got, err)
		}
		if byID, err := s.UserByID(ctx, u.ID); err != nil || byID.Username != "admin" {
			t.Fatalf("by id: %+v %v", byID, err)
		}
		if _, err := s.UserByID(ctx, 424242); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing user: %v", err)
		}
		list, err := s.UserList(ctx, c.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v %v", list, err)
		}
	})
}

func TestAuditChain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		for i, action := range []string{"action.proposed", "action.approved", "action.executed"} {
			e, err := s.AuditAppend(ctx, store.AuditAppendParams{ConnectionID: c.ID, Actor: "user:alice", Action: action, Subject: "account.move,7", Details: json.RawMessage(`{"n":` + string(rune('1'+i)) + `}`)})
			if err != nil || e.Seq != int64(i+1) {
				t.Fatalf("append %d: %+v %v", i, e, err)
			}
		}
		res, err := s.AuditVerify(ctx, c.ID)
		if err != nil || res.Entries != 3 || res.BrokenAt != 0 {
			t.Fatalf("verify intact chain: %+v %v", res, err)
		}
		db := s.DB()
		if _, err := db.ExecContext(ctx, `UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 2`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("update of audit_log must be refused, got %v", err)
		}
		if _, err := db.ExecContext(ctx, `DELETE FROM audit_log WHERE seq = 3`); err == nil {
			t.Fatal("delete from audit_log must be refused")
		}
		// Someone with direct database access drops the guard and edits entry 2.
		disable := `DROP TRIGGER audit_log_no_update`
		if s.Dialect() == store.Postgres {
			disable = `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`
		}
		if _, err := db.ExecContext(ctx, disable); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 2`); err != nil {
			t.Fatal(err)
		}
		res, err = s.AuditVerify(ctx, c.ID)
		if err != nil || res.BrokenAt != 2 || !strings.Contains(res.Reason, "hash") {
			t.Fatalf("verify tampered chain: %+v %v", res, err)
		}
	})
}

func TestSession(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "ceo", Role: store.RoleCEO})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		if err := s.SessionCreate(ctx, store.Session{TokenHash: "h", ConnectionID: c.ID, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		got, err := s.SessionUser(ctx, "h", now.Add(time.Minute))
		if err != nil || got.ID != u.ID {
			t.Fatalf("live session: %+v %v", got, err)
		}
		if _, err := s.SessionUser(ctx, "h", now.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired session: want ErrNotFound, got %v", err)
		}
		if n, err := s.SessionDeleteExpired(ctx, now.Add(2*time.Hour)); err != nil || n != 1 {
			t.Fatalf("delete expired: %d %v", n, err)
		}
		if err := s.SessionDelete(ctx, "h"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAnalysisResultLatest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		j := newJob(t, s, c.ID, "finance")
		day := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
		for i, status := range []string{store.ResultSuccess, store.ResultSuccess, store.ResultFailed} {
			at := day.AddDate(0, 0, i)
			if _, _, err := s.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: c.ID, JobID: j.ID, ScheduledAt: at, RunAt: at, Status: status}); err != nil {
				t.Fatal(err)
			}
		}
		latest, err := s.AnalysisResultLatest(ctx, j.ID, time.Time{})
		if err != nil || !latest.ScheduledAt.Equal(day.AddDate(0, 0, 1)) {
			t.Fatalf("latest skips failed runs: %+v %v", latest, err)
		}
		before, err := s.AnalysisResultLatest(ctx, j.ID, day.Add(time.Hour))
		if err != nil || !before.ScheduledAt.Equal(day) {
			t.Fatalf("latest before: %+v %v", before, err)
		}
		if _, err := s.AnalysisResultLatest(ctx, j.ID, day.Add(-time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("none before: %v", err)
		}
	})
}

// TestRunExclusive: a run that finds the lock taken, in this process or
// (on PostgreSQL) in another instance on the same database, is skipped;
// after the run ends the lock is free again.
func TestRunExclusive(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := storetest.Config(t, d)
			open := func() *store.Store {
				s, err := store.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			s := open()
			inside, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				ran, err := s.RunExclusive(ctx, store.LockBriefings, func(context.Context) error {
					close(inside)
					<-release
					return nil
				})
				if !ran && err == nil {
					err = errors.New("the first run did not run")
				}
				done <- err
			}()
			select {
			case <-inside:
			case err := <-done:
				t.Fatalf("the first run ended before it held the lock: %v", err)
			}
			mustNot := func(context.Context) error { return errors.New("must not run") }
			if ran, err := s.RunExclusive(ctx, store.LockBriefings, mustNot); ran || err != nil {
				t.Fatalf("a second run while the first holds the lock: ran %v, err %v", ran, err)
			}
			if d == store.Postgres {
				// Another instance: its own pool on the same database.
				if ran, err := open().RunExclusive(ctx, store.LockBriefings, mustNot); ran || err != nil {
					t.Fatalf("another instance while the lock is held: ran %v, err %v", ran, err)
				}
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			boom := errors.New("boom")
			if ran, err := s.RunExclusive(ctx, store.LockBriefings, func(context.Context) error { return boom }); !ran || !errors.Is(err, boom) {
				t.Fatalf("after the first run: ran %v, err %v; want ran and its error", ran, err)
			}
		})
	}
}
