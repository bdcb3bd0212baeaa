package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
)

// demoWatch prints the demo's milestones, one line each, from what the
// running instance records in the store: the sync's job run and sync
// states, the analyses' job runs, the open alerts and waiting actions,
// and the day's briefings. It keeps the terminal readable while the logs
// stay at warnings (--verbose shows them all).
type demoWatch struct {
	s     *store.Store
	conn  *store.Connection
	w     io.Writer
	since time.Time // runs that started before belong to an earlier start
	every time.Duration
	// briefingAt is when the day's briefings are due, for the line that
	// says so when they are not written yet.
	briefingAt string
}

// run reports the milestones until the last one or until ctx is done.
// Store errors are passed over: the next poll tries again.
func (d *demoWatch) run(ctx context.Context) {
	tick := time.NewTicker(d.every)
	defer tick.Stop()
	var syncRun *store.JobRun
	var syncedAt, analysedAt time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		switch {
		case syncRun == nil:
			syncRun, syncedAt = d.syncDone(ctx)
		case analysedAt.IsZero():
			analysedAt = d.analysesDone(ctx, syncedAt)
		default:
			if d.briefingsDone(ctx, analysedAt) {
				return
			}
		}
	}
}

// jobRuns lists the runs since the demo started of the connection's jobs
// whose analyzer type passes keep, by job.
func (d *demoWatch) jobRuns(ctx context.Context, keep func(analyzerType string) bool) (map[int64][]*store.JobRun, int, error) {
	jobs, err := d.s.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: d.conn.ID, EnabledOnly: true})
	if err != nil {
		return nil, 0, err
	}
	runs := map[int64][]*store.JobRun{}
	n := 0
	for _, j := range jobs {
		if !keep(j.AnalyzerType) {
			continue
		}
		n++
		list, err := d.s.JobRunList(ctx, store.JobRunListParams{ConnectionID: d.conn.ID, JobID: j.ID, Limit: 10})
		if err != nil {
			return nil, 0, err
		}
		for _, r := range list {
			if !r.StartedAt.Before(d.since) && !r.FinishedAt.IsZero() {
				runs[j.ID] = append(runs[j.ID], r)
			}
		}
	}
	return runs, n, nil
}

// syncDone prints the sync's line once a sync run since the start has
// succeeded (a failed one is said too; the schedule tries again). It also
// returns when the last model was synced: the analyses are enqueued from
// then on, while the sync run itself finishes later (it updates the figure
// history first), so an analysis may end before the run does.
func (d *demoWatch) syncDone(ctx context.Context) (*store.JobRun, time.Time) {
	runs, _, err := d.jobRuns(ctx, func(t string) bool { return t == odoosync.AnalyzerType })
	if err != nil {
		return nil, time.Time{}
	}
	for _, list := range runs {
		for i := len(list) - 1; i >= 0; i-- { // oldest first
			r := list[i]
			if r.Status == store.JobRunFailed && r.Attempt == 1 {
				fmt.Fprintf(d.w, "sync failed: %s (it is retried; --verbose shows the logs)\n", oneLine(r.Error, 120))
			}
			if r.Status != store.JobRunSucceeded {
				continue
			}
			states, err := d.s.OdooSyncStateList(ctx, d.conn.ID)
			if err != nil {
				return nil, time.Time{}
			}
			// A run that found another sync of the connection running
			// succeeds at once without syncing: the sync is done when
			// every model was synced since the run started.
			var records int64
			var syncedAt time.Time
			failed, stale := 0, false
			for _, st := range states {
				records += st.RecordCount
				syncedAt = maxTime(syncedAt, st.LastSyncedAt)
				// A model whose module the server lacks (the other
				// version's budget models) is not a failure.
				if st.Status != store.OdooSyncOK && st.Status != store.OdooSyncNotInstalled {
					failed++
				}
				if st.Status == store.OdooSyncRunning || st.LastSyncedAt.Before(r.StartedAt.Add(-time.Second)) {
					stale = true
				}
			}
			if stale || len(states) == 0 {
				continue
			}
			pct := 100
			if len(states) > 0 {
				pct = 100 * (len(states) - failed) / len(states)
			}
			fmt.Fprintf(d.w, "sync: %d models %d%% (%d records) in %s\n", len(states), pct, records, seconds(r.Duration))
			return r, syncedAt
		}
	}
	return nil, time.Time{}
}

// analysesDone prints the analyses' line once every area has finished a
// run after the sync, and returns when.
func (d *demoWatch) analysesDone(ctx context.Context, after time.Time) time.Time {
	runs, n, err := d.jobRuns(ctx, func(t string) bool { return strings.HasPrefix(t, analysis.JobTypePrefix) })
	if err != nil || n == 0 {
		return time.Time{}
	}
	var last time.Time
	failed := 0
	for _, list := range runs {
		done := false
		for _, r := range list { // newest first
			if !r.FinishedAt.Before(after) {
				if !done && r.Status == store.JobRunFailed {
					failed++
				}
				done = true
				last = maxTime(last, r.FinishedAt)
			}
		}
		if !done {
			return time.Time{}
		}
	}
	if len(runs) < n {
		return time.Time{}
	}
	open, err := d.s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: d.conn.ID, OpenOnly: true})
	if err != nil {
		return time.Time{}
	}
	waiting, err := d.s.ActionList(ctx, store.ActionListParams{ConnectionID: d.conn.ID, Statuses: []string{store.ActionPending}})
	if err != nil {
		return time.Time{}
	}
	failures := ""
	if failed > 0 {
		failures = fmt.Sprintf(" (%d of %d areas failed and are retried; --verbose shows why)", failed, n)
	}
	fmt.Fprintf(d.w, "analyses done: %d alerts, %d actions waiting for approval%s\n", len(open), len(waiting), failures)
	return last
}

// briefingsDone prints the briefings' line once today's are written, or,
// a minute after the analyses with none written, when they are due.
func (d *demoWatch) briefingsDone(ctx context.Context, analysedAt time.Time) bool {
	list, err := d.s.DailyBriefingList(ctx, store.DailyBriefingListParams{ConnectionID: d.conn.ID, Limit: 30})
	if err != nil {
		return false
	}
	n := 0
	for _, b := range list {
		if !b.CreatedAt.Before(d.since) {
			n++
		}
	}
	if n > 0 {
		fmt.Fprintf(d.w, "briefings written (%d)\n", n)
		return true
	}
	if time.Since(analysedAt) > time.Minute {
		fmt.Fprintf(d.w, "briefings: written each day at %s (briefing.time); today's is already there or comes then\n", d.briefingAt)
		return true
	}
	return false
}

func seconds(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%d s", int(d.Round(time.Second).Seconds()))
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
