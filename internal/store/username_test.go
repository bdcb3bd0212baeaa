package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestUsernamesAreCaseInsensitive: a username is found in any case, and a
// second user whose name differs only in case is refused, on both
// databases.
func TestUsernamesAreCaseInsensitive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		admin, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "admin", Role: store.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"admin", "ADMIN", "Admin"} {
			u, err := s.UserByUsername(ctx, c.ID, name)
			if err != nil || u.ID != admin.ID {
				t.Fatalf("UserByUsername(%q) = %+v, %v; want admin", name, u, err)
			}
		}
		if _, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "ADMIN", Role: store.RoleAdmin}); !errors.Is(err, store.ErrUserExists) {
			t.Fatalf("ADMIN next to admin: %v, want ErrUserExists", err)
		}
		// The index holds even where the check is skipped (two creations racing).
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO users (connection_id, username, role, created_at, updated_at) VALUES ($1, 'Admin', 'viewer', $2, $2)`,
			c.ID, time.Now().UTC()); err == nil {
			t.Fatal("the database took Admin next to admin")
		}
		other, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "other"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: other.ID, Username: "ADMIN", Role: store.RoleAdmin}); err != nil {
			t.Fatalf("another connection may have its own ADMIN: %v", err)
		}
	})
}

// TestUsernameMigrationRenamesDuplicates: users that existed before the
// unique index, differing only in case, keep the oldest one's name and the
// others get their id appended.
func TestUsernameMigrationRenamesDuplicates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.MigrateDownTo(ctx, 11); err != nil {
			t.Fatal(err)
		}
		c := newConnection(t, s)
		var ids []int64
		// As written before the migration, when only the exact name was unique.
		for _, name := range []string{"admin", "ADMIN", "olga", "Admin"} {
			var id int64
			if err := s.DB().QueryRowContext(ctx, `INSERT INTO users (connection_id, username, role, created_at, updated_at)
				VALUES ($1, $2, 'admin', $3, $3) RETURNING id`, c.ID, name, time.Now().UTC()).Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for i, want := range []string{"admin", fmt.Sprintf("ADMIN-%d", ids[1]), "olga", fmt.Sprintf("Admin-%d", ids[3])} {
			u, err := s.UserByID(ctx, ids[i])
			if err != nil || u.Username != want {
				t.Fatalf("user %d after the migration: %+v, %v; want %q", ids[i], u, err, want)
			}
		}
	})
}
