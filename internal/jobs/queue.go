package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/aicoo/aicoo/internal/store"
)

// GlobalQueue holds the work that belongs to no connection (housekeeping of
// sessions and sign-ins). Every instance works it.
const GlobalQueue = "global"

// legacyQueue is River's default queue, where every job went before jobs
// were queued by connection. No instance works it any more.
const legacyQueue = river.QueueDefault

// Queue is the River queue of a connection's jobs. Only instances that hold
// the connection (its Odoo API key and its notification settings live in
// their process) work it, so a job never runs with another tenant's secrets
// or channels. Connection ids are unique in the shared database, so the
// queue names are too.
func Queue(connectionID int64) string { return fmt.Sprintf("conn_%d", connectionID) }

// ConnectionOfJobFunc tells which connection a job waiting in the legacy
// queue belongs to, from its kind and encoded arguments; ok is false for a
// kind it does not know.
type ConnectionOfJobFunc func(ctx context.Context, kind string, args []byte) (connectionID int64, ok bool, err error)

// checkQueue refuses a job that would land in the legacy queue, where no
// instance works it: every job names its connection's queue (or the
// global one) through its InsertOpts.
func checkQueue(args river.JobArgs, opts *river.InsertOpts) error {
	q := ""
	if opts != nil {
		q = opts.Queue
	}
	if a, ok := args.(river.JobArgsWithInsertOpts); ok && q == "" {
		q = a.InsertOpts().Queue
	}
	if q == "" || q == legacyQueue {
		return fmt.Errorf("jobs: a %s job names no queue (use jobs.Queue(connection) or jobs.GlobalQueue)", args.Kind())
	}
	return nil
}

// jobStatesWaiting are the states of a job not yet taken by a worker.
const jobStatesWaiting = `('available', 'scheduled', 'retryable', 'pending')`

// adoptLegacy moves the jobs of this instance's connections that still
// wait in River's default queue (enqueued before queues were per
// connection) into their connection's queue, and drops waiting ticks from
// it (the next interval enqueues them again). Jobs of connections other
// instances hold are left for those instances to adopt.
func (e *Engine) adoptLegacy(ctx context.Context) error {
	db := e.cfg.Store.DB()
	argsExpr := "args"
	if e.cfg.Store.Dialect() == store.SQLite {
		argsExpr = "json(args)" // stored as SQLite's binary JSON
	}
	rows, err := db.QueryContext(ctx, `SELECT id, kind, `+argsExpr+` FROM river_job WHERE queue = $1 AND state IN `+jobStatesWaiting+` ORDER BY id LIMIT 1000`, legacyQueue)
	if err != nil {
		return fmt.Errorf("jobs: list jobs of the default queue: %w", err)
	}
	type legacyJob struct {
		id   int64
		kind string
		args []byte
	}
	var waiting []legacyJob
	for rows.Next() {
		var j legacyJob
		if err := rows.Scan(&j.id, &j.kind, &j.args); err != nil {
			rows.Close()
			return fmt.Errorf("jobs: list jobs of the default queue: %w", err)
		}
		waiting = append(waiting, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("jobs: list jobs of the default queue: %w", err)
	}
	moved, dropped := 0, 0
	for _, j := range waiting {
		if j.kind == (tickArgs{}).Kind() {
			if _, err := db.ExecContext(ctx, `DELETE FROM river_job WHERE id = $1 AND queue = $2 AND state IN `+jobStatesWaiting, j.id, legacyQueue); err != nil {
				return fmt.Errorf("jobs: drop legacy tick %d: %w", j.id, err)
			}
			dropped++
			continue
		}
		conn, ok, err := e.connectionOfJob(ctx, j.kind, j.args)
		if err != nil {
			// One bad row must not stop the others; it is reported on each
			// reload.
			e.cfg.Logger.WarnContext(ctx, "jobs: cannot tell the connection of a job in the default queue", "id", j.id, "kind", j.kind, "error", err)
			continue
		}
		if !ok || !e.holds(conn) {
			continue
		}
		if _, err := db.ExecContext(ctx, `UPDATE river_job SET queue = $1 WHERE id = $2 AND queue = $3 AND state IN `+jobStatesWaiting, Queue(conn), j.id, legacyQueue); err != nil {
			return fmt.Errorf("jobs: move legacy job %d: %w", j.id, err)
		}
		moved++
	}
	if moved+dropped > 0 {
		e.cfg.Logger.InfoContext(ctx, "jobs: adopted jobs of the default queue", "moved", moved, "ticks_dropped", dropped)
	}
	return nil
}

// connectionOfJob answers for monitoring runs itself and asks
// Config.ConnectionOfJob for the other kinds.
func (e *Engine) connectionOfJob(ctx context.Context, kind string, args []byte) (int64, bool, error) {
	if kind == (MonitorArgs{}).Kind() {
		var a MonitorArgs
		if err := json.Unmarshal(args, &a); err != nil {
			return 0, false, err
		}
		mj, err := e.cfg.Store.MonitoringJobByID(ctx, a.JobID)
		if errors.Is(err, store.ErrNotFound) {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, err
		}
		return mj.ConnectionID, true, nil
	}
	if e.cfg.ConnectionOfJob == nil {
		return 0, false, nil
	}
	return e.cfg.ConnectionOfJob(ctx, kind, args)
}

// holds reports whether this instance works the connection's queue.
func (e *Engine) holds(connectionID int64) bool {
	for _, c := range e.cfg.Connections {
		if c == connectionID {
			return true
		}
	}
	return false
}

// insertChecked inserts one job after checking it names a queue.
func (e *Engine) insertChecked(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	if err := checkQueue(args, opts); err != nil {
		return nil, err
	}
	return e.client.Insert(ctx, args, opts)
}
