package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations
var migrationsFS embed.FS

// MigrationTable is the table recording applied migrations.
const MigrationTable = "aicoo_schema_migrations"

// migrationProvider returns the migrations of the store's dialect, but the
// versions in exclude (for tests).
func (s *Store) migrationProvider(exclude ...int64) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationsFS, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	opts := []goose.ProviderOption{
		goose.WithTableName(MigrationTable),
		goose.WithDisableGlobalRegistry(true),
		// Migrations are numbered when a change starts and may land in
		// another order (00017 after 00018): a database that applied a
		// later one still gets the earlier.
		goose.WithAllowOutofOrder(true),
		goose.WithExcludeVersions(exclude),
	}
	if !slices.Contains(exclude, 17) {
		opts = append(opts, goose.WithGoMigrations(s.migration00017()))
	}
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Several instances may start at once: a session advisory lock lets
		// one migrate while the others wait.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("store: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.db, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every pending migration and returns how many it applied.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := s.migrationProvider()
	if err != nil {
		return 0, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return len(results), fmt.Errorf("store: migrate %s: %w", s.dialect, err)
	}
	for _, r := range results {
		s.logger.InfoContext(ctx, "store: migration applied",
			"version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	if len(results) > 0 {
		s.dropIdleConns()
	}
	for _, r := range results {
		if r.Source.Version == 17 && s.dialect == SQLite {
			s.vacuumAfterCompress(ctx)
		}
	}
	return len(results), nil
}

// vacuumAfterCompress rewrites the SQLite file after migration 00017
// compressed the records: SQLite keeps the pages they left, so the file
// would otherwise stay at its old size. VACUUM cannot run inside the
// migration's transaction. A failure (a full disk: it needs room for a
// copy) leaves a valid, larger file, so it is logged, not returned.
func (s *Store) vacuumAfterCompress(ctx context.Context) {
	start := time.Now()
	if _, err := s.db.ExecContext(ctx, `VACUUM`); err != nil {
		s.logger.WarnContext(ctx, "store: vacuum after compressing odoo records failed; the file keeps its size until a VACUUM", "err", err)
		return
	}
	s.logger.InfoContext(ctx, "store: vacuumed after compressing odoo records", "duration", time.Since(start))
}

// dropIdleConns closes the PostgreSQL pool's idle connections after a
// migration: a connection caches its prepared statements, and one prepared
// before a migration changed a column's type (00017) fails ("cached plan
// must not change result type").
func (s *Store) dropIdleConns() {
	if s.dialect == Postgres {
		s.db.SetMaxIdleConns(0)
		s.db.SetMaxIdleConns(s.idleConns)
	}
}

// MigrationsPending reports whether the schema lacks any migration this
// binary knows, which makes the instance not ready.
func (s *Store) MigrationsPending(ctx context.Context) (bool, error) {
	p, err := s.migrationProvider()
	if err != nil {
		return false, err
	}
	// HasPending, unlike comparing the highest versions, sees a migration
	// missing below the latest applied one.
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("store: migration status: %w", err)
	}
	return pending, nil
}
