package store

import (
	"context"
	"fmt"
)

// MigrateDownTo rolls the schema back to version, for tests of a migration
// over data written before it.
func (s *Store) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := s.migrationProvider()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("store: migrate down to %d: %w", version, err)
	}
	s.dropIdleConns()
	return nil
}

// MigrateExcept applies every migration but versions, to make a database
// that lacks a migration numbered below ones it has.
func (s *Store) MigrateExcept(ctx context.Context, versions ...int64) error {
	p, err := s.migrationProvider(versions...)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate except %v: %w", versions, err)
	}
	s.dropIdleConns()
	return nil
}
