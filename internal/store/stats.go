package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// JobRunStats sums the attempts of one monitoring job started in a period.
type JobRunStats struct {
	JobID int64
	// Runs counts every attempt; Failures those that failed or were
	// abandoned by a process that died; Succeeded those that succeeded or
	// were skipped because an earlier attempt had stored the result.
	Runs      int64
	Failures  int64
	Succeeded int64
	Running   int64
	// MeanDuration and MaxDuration cover the finished attempts.
	MeanDuration time.Duration
	MaxDuration  time.Duration
	// LastFailureAt and LastError describe the latest failed attempt in the
	// period; zero and empty when none failed.
	LastFailureAt time.Time
	LastError     string
}

// JobRunStatsList sums, per monitoring job of the connection, the attempts
// started at or after since, by job id. Jobs without an attempt in the
// period are left out.
func (s *Store) JobRunStatsList(ctx context.Context, connectionID int64, since time.Time) ([]JobRunStats, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT job_id, COUNT(*),
			SUM(CASE WHEN status IN ('failed', 'abandoned') THEN 1 ELSE 0 END),
			SUM(CASE WHEN status IN ('succeeded', 'skipped') THEN 1 ELSE 0 END),
			SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END),
			CAST(AVG(CASE WHEN status <> 'running' THEN duration_ms END) AS DOUBLE PRECISION),
			MAX(CASE WHEN status <> 'running' THEN duration_ms END)
		FROM job_runs WHERE connection_id = $1 AND started_at >= $2
		GROUP BY job_id ORDER BY job_id`, connectionID, timestamp(since))
	if err != nil {
		return nil, fmt.Errorf("store: job run stats of connection %d: %w", connectionID, err)
	}
	defer rows.Close()
	var out []JobRunStats
	byJob := map[int64]int{}
	for rows.Next() {
		var (
			st      JobRunStats
			mean    *float64
			slowest *int64
		)
		if err := rows.Scan(&st.JobID, &st.Runs, &st.Failures, &st.Succeeded, &st.Running, &mean, &slowest); err != nil {
			return nil, fmt.Errorf("store: job run stats of connection %d: %w", connectionID, err)
		}
		if mean != nil {
			st.MeanDuration = time.Duration(*mean * float64(time.Millisecond))
		}
		if slowest != nil {
			st.MaxDuration = time.Duration(*slowest) * time.Millisecond
		}
		byJob[st.JobID] = len(out)
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: job run stats of connection %d: %w", connectionID, err)
	}
	rows.Close()

	// The latest failure of each job: ids grow with start times, so the
	// largest id is the latest attempt. Its columns are read from the row
	// itself, which keeps their types on SQLite.
	last, err := s.q.QueryContext(ctx, `SELECT job_id, started_at, error FROM job_runs WHERE id IN (
			SELECT MAX(id) FROM job_runs WHERE connection_id = $1 AND started_at >= $2
				AND status IN ('failed', 'abandoned') GROUP BY job_id)`, connectionID, timestamp(since))
	if err != nil {
		return nil, fmt.Errorf("store: last job failures of connection %d: %w", connectionID, err)
	}
	defer last.Close()
	for last.Next() {
		var (
			jobID int64
			at    time.Time
			msg   string
		)
		if err := last.Scan(&jobID, &at, &msg); err != nil {
			return nil, fmt.Errorf("store: last job failures of connection %d: %w", connectionID, err)
		}
		if i, ok := byJob[jobID]; ok {
			out[i].LastFailureAt, out[i].LastError = at.UTC(), msg
		}
	}
	if err := last.Err(); err != nil {
		return nil, fmt.Errorf("store: last job failures of connection %d: %w", connectionID, err)
	}
	return out, nil
}

// AlertResponseStats describes how fast people answered the alerts of one
// priority raised in a period.
type AlertResponseStats struct {
	Priority string
	// Raised counts the alerts; Acknowledged those acknowledged at least
	// once; Resolved those resolved (by a person or because the condition
	// cleared); Dismissed those dismissed; Open those still new or
	// acknowledged.
	Raised       int
	Acknowledged int
	Resolved     int
	Dismissed    int
	Open         int
	// AckMedian and AckP90 are the nearest-rank median and 90th percentile
	// of the time from raising to the first acknowledgement; zero when none
	// was acknowledged. ResolveMedian and ResolveP90 are the same for the
	// time to resolution.
	AckMedian     time.Duration
	AckP90        time.Duration
	ResolveMedian time.Duration
	ResolveP90    time.Duration
}

// AlertResponseStatsParams selects the alerts AlertResponseStatsList
// describes.
type AlertResponseStatsParams struct {
	ConnectionID int64
	// Since keeps the alerts raised at or after it.
	Since time.Time
	// ExcludeTypes leaves out alerts of these types (the areas a role may
	// not see).
	ExcludeTypes []string
}

// AlertResponseStatsList returns, per priority, most urgent first, how
// fast the connection's alerts raised in the period were acknowledged and
// resolved. Priorities without an alert are left out.
//
// The first acknowledgement is the earliest "acknowledged" event of the
// alert, or its acknowledged_at when it has no event (an acknowledgement
// that expired and was renewed still counts from the first). Durations are
// computed here rather than in SQL, because the dialects subtract
// timestamps differently.
func (s *Store) AlertResponseStatsList(ctx context.Context, p AlertResponseStatsParams) ([]AlertResponseStats, error) {
	args := []any{p.ConnectionID, timestamp(p.Since)}
	var marks []string
	for _, t := range p.ExcludeTypes {
		args = append(args, t)
		marks = append(marks, "$"+strconv.Itoa(len(args)))
	}
	notIn := func(col string) string {
		if len(marks) == 0 {
			return ""
		}
		return " AND " + col + " NOT IN (" + strings.Join(marks, ", ") + ")"
	}
	type alertTimes struct {
		priority, status             string
		created, acked, resolved, ev time.Time
	}
	var alerts []*alertTimes
	byID := map[int64]*alertTimes{}
	fail := func(err error) error {
		return fmt.Errorf("store: alert response stats of connection %d: %w", p.ConnectionID, err)
	}
	rows, err := s.q.QueryContext(ctx, `SELECT id, priority, status, created_at, acknowledged_at, resolved_at
		FROM alerts WHERE connection_id = $1 AND created_at >= $2`+notIn("type"), args...)
	if err != nil {
		return nil, fail(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id              int64
			a               alertTimes
			acked, resolved nullTimeScanner
		)
		if err := rows.Scan(&id, &a.priority, &a.status, &a.created, &acked, &resolved); err != nil {
			return nil, fail(err)
		}
		a.created, a.acked, a.resolved = a.created.UTC(), acked.Time, resolved.Time
		alerts = append(alerts, &a)
		byID[id] = &a
	}
	if err := rows.Err(); err != nil {
		return nil, fail(err)
	}
	rows.Close()
	// An event written between the two reads belongs to an alert the first
	// read did not see, and is skipped.
	evs, err := s.q.QueryContext(ctx, `SELECT e.alert_id, e.at FROM alert_events e JOIN alerts a ON a.id = e.alert_id
		WHERE a.connection_id = $1 AND a.created_at >= $2 AND e.action = 'acknowledged'`+notIn("a.type"), args...)
	if err != nil {
		return nil, fail(err)
	}
	defer evs.Close()
	for evs.Next() {
		var (
			id int64
			at time.Time
		)
		if err := evs.Scan(&id, &at); err != nil {
			return nil, fail(err)
		}
		if a := byID[id]; a != nil && (a.ev.IsZero() || at.Before(a.ev)) {
			a.ev = at.UTC()
		}
	}
	if err := evs.Err(); err != nil {
		return nil, fail(err)
	}

	type acc struct {
		st           AlertResponseStats
		ack, resolve []time.Duration
	}
	groups := map[string]*acc{}
	for _, a := range alerts {
		g := groups[a.priority]
		if g == nil {
			g = &acc{st: AlertResponseStats{Priority: a.priority}}
			groups[a.priority] = g
		}
		g.st.Raised++
		first := a.ev
		if first.IsZero() {
			first = a.acked
		}
		if !first.IsZero() {
			g.st.Acknowledged++
			g.ack = append(g.ack, max(first.Sub(a.created), 0))
		}
		switch a.status {
		case AlertNew, AlertAcknowledged:
			g.st.Open++
		case AlertDismissed:
			g.st.Dismissed++
		case AlertResolved:
			g.st.Resolved++
			if !a.resolved.IsZero() {
				g.resolve = append(g.resolve, max(a.resolved.Sub(a.created), 0))
			}
		}
	}
	out := make([]AlertResponseStats, 0, len(groups))
	for _, g := range groups {
		g.st.AckMedian, g.st.AckP90 = Percentile(g.ack, 50), Percentile(g.ack, 90)
		g.st.ResolveMedian, g.st.ResolveP90 = Percentile(g.resolve, 50), Percentile(g.resolve, 90)
		out = append(out, g.st)
	}
	slices.SortFunc(out, func(a, b AlertResponseStats) int {
		if d := PriorityRank(a.Priority) - PriorityRank(b.Priority); d != 0 {
			return d
		}
		return strings.Compare(a.Priority, b.Priority)
	})
	return out, nil
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// ds: the smallest value at least p percent of the values do not exceed.
// It returns 0 for no values and sorts ds in place.
func Percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 || p <= 0 {
		return 0
	}
	slices.Sort(ds)
	rank := (p*len(ds) + 99) / 100 // ceil(p/100 * n)
	return ds[min(max(rank, 1), len(ds))-1]
}
