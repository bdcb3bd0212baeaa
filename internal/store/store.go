// Package store holds aicoo's schema, migrations and queries over one of two
// databases: SQLite (the embedded default, pure Go) or PostgreSQL (for
// several instances). The same SQL runs on both wherever the dialects agree;
// the few differences live in the migration files, one history per dialect.
//
// Every row belongs to a connection (one Odoo database, one tenant).
// Methods are named entity first, then verb (JobRunStart, AlertRaise), take
// a context first, and return ErrNotFound rather than sql.ErrNoRows.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Dialect names the SQL database behind a Store.
type Dialect string

// The two supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("not found")

// SQLiteFileName is the database file created in the data folder.
const SQLiteFileName = "aicoo.db"

// Config configures Open.
type Config struct {
	// PostgresDSN selects PostgreSQL when not empty.
	PostgresDSN string
	// DataDir holds the SQLite file when PostgresDSN is empty. It is created
	// if missing.
	DataDir string
	// MaxOpenConns bounds the PostgreSQL pool. Defaults to 10.
	MaxOpenConns int
	// Logger receives migration and connection messages. Defaults to a
	// discarding logger.
	Logger *slog.Logger
	// NowFunc returns the current time, for created_at and updated_at.
	// Defaults to time.Now; tests inject a fixed clock.
	NowFunc func() time.Time
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store is the database handle. It is safe for concurrent use. A Store
// returned to the function given to InTx runs its queries in that
// transaction.
type Store struct {
	db      *sql.DB
	q       querier
	dialect Dialect
	logger  *slog.Logger
	now     func() time.Time
	// locks are RunExclusive's in-process locks, shared by the Store
	// values of transactions (see InTx) through the pointer.
	locks *lockSet
	// dicts caches the dictionaries of compressed Odoo records, shared
	// the same way.
	dicts *recordDicts
	// idleConns is the PostgreSQL pool's idle connections (see Migrate).
	idleConns int
}

// lockSet holds a mutex per lock purpose.
type lockSet struct {
	mu sync.Mutex
	m  map[int64]*sync.Mutex
}

// Open connects to the configured database and checks that it answers. It
// does not migrate: call Migrate.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s := &Store{logger: cfg.Logger, now: cfg.NowFunc, locks: &lockSet{m: map[int64]*sync.Mutex{}}, dicts: newRecordDicts()}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if cfg.PostgresDSN != "" {
		s.dialect = Postgres
		s.db, err = sql.Open("pgx", cfg.PostgresDSN)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		s.db.SetMaxOpenConns(max(cfg.MaxOpenConns, 2))
		s.idleConns = max(cfg.MaxOpenConns, 2)
		s.db.SetMaxIdleConns(s.idleConns)
		s.db.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		s.dialect = SQLite
		if cfg.DataDir == "" {
			return nil, errors.New("store: no data folder and no PostgreSQL DSN configured")
		}
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create data folder: %w", err)
		}
		s.db, err = sql.Open("sqlite", SQLiteDSN(filepath.Join(cfg.DataDir, SQLiteFileName)))
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		// WAL lets readers run beside the one writer; every transaction
		// starts IMMEDIATE (see SQLiteDSN), so writers queue on the busy
		// timeout instead of failing on a lock upgrade.
		s.db.SetMaxOpenConns(8)
		s.db.SetMaxIdleConns(8)
	}
	s.q = s.db
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.db.PingContext(pingCtx); err != nil {
		s.db.Close()
		return nil, &oneLineError{msg: fmt.Sprintf("store: connect to %s: %s", s.dialect, oneLine(err)), err: err}
	}
	return s, nil
}

// oneLineError is an error whose message was folded onto one line; it
// still unwraps to the original.
type oneLineError struct {
	msg string
	err error
}

func (e *oneLineError) Error() string { return e.msg }
func (e *oneLineError) Unwrap() error { return e.err }

// oneLine folds a multi-line driver error onto one line, each distinct
// line once: pgx lists every address and TLS mode it tried on its own line,
// usually the same cause twice, which made a wall of text for "PostgreSQL
// is not running".
func oneLine(err error) string {
	var out []string
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return strings.Join(out, " ")
}

// SQLiteDSN returns the modernc.org/sqlite DSN aicoo uses for a file.
func SQLiteDSN(path string) string {
	return "file:" + path +
		"?_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_txlock=immediate" +
		"&_time_format=sqlite"
}

// DB returns the underlying pool, for River's driver.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect reports which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// InTx runs fn in one transaction, committed when fn returns nil and rolled
// back otherwise. The Store passed to fn runs its queries in the transaction.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	return s.InSQLTx(ctx, func(_ *sql.Tx, tx *Store) error { return fn(tx) })
}

// InSQLTx is InTx that also hands fn the *sql.Tx, so another library (River's
// InsertTx) can write in the same transaction.
func (s *Store) InSQLTx(ctx context.Context, fn func(sqlTx *sql.Tx, tx *Store) error) error {
	if _, ok := s.q.(*sql.Tx); ok {
		return errors.New("store: nested transaction")
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	txStore := *s
	txStore.q = sqlTx
	if err := fn(sqlTx, &txStore); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// timestamp normalises a time for storage: UTC at microsecond precision,
// which both dialects keep exactly, so a value read back compares equal.
func timestamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func (s *Store) nowUTC() time.Time { return timestamp(s.now()) }

func nullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: timestamp(t), Valid: true}
}

func timeOrZero(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// nullTimeScanner scans a nullable timestamp into a UTC time, zero for NULL.
type nullTimeScanner struct{ Time time.Time }

// Scan implements sql.Scanner.
func (n *nullTimeScanner) Scan(src any) error {
	var nt sql.NullTime
	if err := nt.Scan(src); err != nil {
		return err
	}
	n.Time = timeOrZero(nt)
	return nil
}

// inTxIfNeeded runs fn in a new transaction, or in the current one when the
// store is already bound to a transaction.
func (s *Store) inTxIfNeeded(ctx context.Context, fn func(tx *Store) error) error {
	if _, ok := s.q.(*sql.Tx); ok {
		return fn(s)
	}
	return s.InTx(ctx, fn)
}

// Purposes of the PostgreSQL advisory locks.
const (
	lockAudit  = 7261 // appending to the audit chain, per connection
	lockAdmins = 7263 // changes that could remove the last enabled admin, per connection
	// LockBriefings keeps briefing runs of several instances from
	// overlapping (RunExclusive).
	LockBriefings = 7264
)

// RunExclusive runs fn unless another run holding the same lock is under
// way, in this process or (on PostgreSQL) in any instance, and reports
// whether it ran. The lock is a purpose such as LockBriefings. It is for
// periodic work that may take longer than its period: a run that finds the
// lock taken is skipped, not queued.
func (s *Store) RunExclusive(ctx context.Context, lock int64, fn func(ctx context.Context) error) (bool, error) {
	mu := s.localLock(lock)
	if !mu.TryLock() {
		return false, nil
	}
	defer mu.Unlock()
	if s.dialect != Postgres {
		return true, fn(ctx) // one process owns a SQLite file
	}
	// A session lock lives on one connection: hold it for the run.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("store: lock %d: %w", lock, err)
	}
	defer conn.Close()
	// Advisory locks are per database; the key names the schema too, so
	// deployments sharing a database in separate schemas do not block each
	// other.
	const key = `hashtextextended(current_schema() || '/aicoo/' || $1, 0)`
	name := strconv.FormatInt(lock, 10)
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+key+`)`, name).Scan(&got); err != nil {
		return false, fmt.Errorf("store: lock %d: %w", lock, err)
	}
	if !got {
		return false, nil
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+key+`)`, name)
	return true, fn(ctx)
}

// localLock returns the process-wide mutex of a lock purpose.
func (s *Store) localLock(lock int64) *sync.Mutex {
	s.locks.mu.Lock()
	defer s.locks.mu.Unlock()
	mu, ok := s.locks.m[lock]
	if !ok {
		mu = &sync.Mutex{}
		s.locks.m[lock] = mu
	}
	return mu
}

// advisoryKey is the single 64-bit advisory lock key of a purpose and a
// connection: the purpose in the high 16 bits, the id in the low 48. The
// two-int form would overflow past 2^31 connection ids, and its key space
// is shared with the job engine's (7261, 1) lock.
func advisoryKey(purpose, connectionID int64) int64 {
	return purpose<<48 | connectionID&(1<<48-1)
}
