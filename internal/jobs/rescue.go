package jobs

import (
	"context"
	"fmt"

	"github.com/aicoo/aicoo/internal/store"
)

// rescueOwn makes the jobs still marked running by this instance's client
// id available again, at start, before this instance takes any job: they
// were taken by this instance's previous process, which died without
// finishing them (kill -9, a crash, a power cut), so nothing runs them. A
// job that had used its last attempt is discarded, as River's rescuer
// would. Without this they would wait for Config.RescueAfter.
//
// It is only safe when no other live process uses the same client id; the
// caller holds the instance lock (claimInstance).
func (e *Engine) rescueOwn(ctx context.Context) (int64, error) {
	id := sanitizeID(e.cfg.Instance)
	lastBy := `attempted_by[array_length(attempted_by, 1)] = $1`
	now := `now()`
	if e.cfg.Store.Dialect() == store.SQLite {
		lastBy = `json_extract(attempted_by, '$[#-1]') = $1`
		now = `datetime('now', 'subsec')` // River's own format on SQLite
	}
	var total int64
	for _, q := range []string{
		`UPDATE river_job SET state = 'available' WHERE state = 'running' AND attempt < max_attempts AND ` + lastBy,
		`UPDATE river_job SET state = 'discarded', finalized_at = ` + now + ` WHERE state = 'running' AND attempt >= max_attempts AND ` + lastBy,
	} {
		res, err := e.cfg.Store.DB().ExecContext(ctx, q, id)
		if err != nil {
			return total, fmt.Errorf("jobs: rescue jobs of %s: %w", id, err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// claimInstance takes, on PostgreSQL, a session lock named by the instance
// id that is held for the life of the engine, and reports whether it got
// it. A process that does not get it shares its id with a live process (the
// same configuration started twice on one host), must not rescue that
// process's running jobs, and takes a per-process id instead. On SQLite one
// process owns the database file, so the claim always holds.
func (e *Engine) claimInstance(ctx context.Context) (bool, error) {
	if e.cfg.Store.Dialect() != store.Postgres {
		return true, nil
	}
	db := e.cfg.Store.DB()
	conn, err := db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("jobs: instance lock: %w", err)
	}
	var got bool
	// The key names the schema too, as store.RunExclusive's do, so
	// deployments in separate schemas of one database do not meet.
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtextextended(current_schema() || '/aicoo/instance/' || $1, 0))`,
		sanitizeID(e.cfg.Instance)).Scan(&got); err != nil {
		conn.Close()
		return false, fmt.Errorf("jobs: instance lock: %w", err)
	}
	if !got {
		conn.Close()
		return false, nil
	}
	e.instanceLock = conn // closing it (Stop, or the process dying) releases the lock
	// It holds the connection for the engine's life: widen the pool by one
	// so the rest of the process keeps the configured number.
	if limit := db.Stats().MaxOpenConnections; limit > 0 {
		db.SetMaxOpenConns(limit + 1)
	}
	return true, nil
}
