// Package storetest gives tests a fresh, migrated store on SQLite and on
// PostgreSQL, so one test body runs against both dialects.
//
// PostgreSQL comes from TEST_DATABASE_URL, by default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Each test gets its
// own schema, dropped afterwards. When no server answers, PostgreSQL tests
// skip with a message, except under CI=true, where they fail: CI must never
// pass by skipping them.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// DefaultPostgresURL is used when TEST_DATABASE_URL is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Dialects lists the dialects every store test runs on.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

var (
	pgOnce sync.Once
	pgErr  error
)

func postgresURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// RequirePostgres skips the test when PostgreSQL is unreachable, or fails it
// when CI=true.
func RequirePostgres(t testing.TB) {
	t.Helper()
	pgOnce.Do(func() {
		db, err := sql.Open("pgx", postgresURL())
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		pgErr = db.PingContext(ctx)
	})
	if pgErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI but unreachable at %s: %v", redact(postgresURL()), pgErr)
		}
		t.Skipf("skipping PostgreSQL test: no server at %s (%v); set TEST_DATABASE_URL to run it", redact(postgresURL()), pgErr)
	}
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

// PostgresSchemaDSN creates an empty schema for the test, dropped when the
// test ends, and returns a DSN whose search_path points at it. Several
// stores opened on that DSN share the schema, as several aicoo instances
// share one database.
func PostgresSchemaDSN(t testing.TB) string {
	t.Helper()
	RequirePostgres(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "aicoo_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", postgresURL())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Logf("drop test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(postgresURL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Config returns a store configuration for a fresh, empty database of the
// dialect: a new SQLite folder or a new PostgreSQL schema.
func Config(t testing.TB, d store.Dialect) store.Config {
	t.Helper()
	if d == store.Postgres {
		return store.Config{PostgresDSN: PostgresSchemaDSN(t), MaxOpenConns: 10}
	}
	return store.Config{DataDir: t.TempDir()}
}

// Open returns a migrated store on a fresh database of the dialect, closed
// when the test ends. cfgFuncs may adjust the configuration (the clock, say).
func Open(t testing.TB, d store.Dialect, cfgFuncs ...func(*store.Config)) *store.Store {
	t.Helper()
	cfg := Config(t, d)
	for _, f := range cfgFuncs {
		f(&cfg)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s store: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s store: %v", d, err)
	}
	return s
}

// Each runs fn once per dialect as a parallel subtest.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, d))
		})
	}
}
