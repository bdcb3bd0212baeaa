package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestUserAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		other, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "other", OdooURL: "https://other.odoo.com", OdooDatabase: "other"})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(conn int64, name, role string) *store.User {
			t.Helper()
			u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn, Username: name, Role: role, PasswordHash: "h-" + name})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		ann, bob, cat := mk(c.ID, "ann", store.RoleAdmin), mk(c.ID, "bob", store.RoleAdmin), mk(c.ID, "cat", store.RoleViewer)
		stranger := mk(other.ID, "ann", store.RoleAdmin)
		session := func(u *store.User, token string) {
			t.Helper()
			now := time.Now()
			if err := s.SessionCreate(ctx, store.Session{TokenHash: token, ConnectionID: u.ConnectionID, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		live := func(token string) bool {
			t.Helper()
			_, err := s.SessionUser(ctx, token, time.Now())
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		session(bob, "bob-1")
		session(cat, "cat-1")
		session(cat, "cat-2")
		session(ann, "ann-1")
		session(ann, "ann-2")
		for _, u := range []*store.User{cat, ann} {
			if _, err := s.APITokenCreate(ctx, store.APITokenCreateParams{ConnectionID: c.ID, UserID: u.ID, Name: "ci",
				TokenHash: fmt.Sprintf("%064d", u.ID), Prefix: "aicoo_x"}); err != nil {
				t.Fatal(err)
			}
		}
		tokenLive := func(u *store.User) bool {
			t.Helper()
			_, _, err := s.APITokenUser(ctx, fmt.Sprintf("%064d", u.ID), time.Now())
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		reset := func(conn, id int64, hash, keep string, wantEnded, wantRevoked int64) func() (*store.User, error) {
			return func() (*store.User, error) {
				r, err := s.UserResetPassword(ctx, conn, id, hash, keep)
				if err != nil {
					return nil, err
				}
				if r.SessionsEnded != wantEnded || r.TokensRevoked != wantRevoked {
					return nil, fmt.Errorf("ended %d sessions and revoked %d tokens, want %d and %d", r.SessionsEnded, r.TokensRevoked, wantEnded, wantRevoked)
				}
				return r.User, nil
			}
		}

		steps := []struct {
			name    string
			do      func() (*store.User, error)
			wantErr error
			check   func(t *testing.T)
		}{
			{"another connection's user is not found", func() (*store.User, error) { return s.UserSetRole(ctx, c.ID, stranger.ID, store.RoleOps) }, store.ErrNotFound, nil},
			{"unknown role", func() (*store.User, error) { return s.UserSetRole(ctx, c.ID, cat.ID, "boss") }, errAny, nil},
			{"promote cat", func() (*store.User, error) { return s.UserSetRole(ctx, c.ID, cat.ID, store.RoleCFO) }, nil, func(t *testing.T) {
				if u, _ := s.UserByID(ctx, cat.ID); u.Role != store.RoleCFO {
					t.Fatalf("role = %s", u.Role)
				}
			}},
			{"disable bob ends his sessions", func() (*store.User, error) { return s.UserSetDisabledChecked(ctx, c.ID, bob.ID, true) }, nil, func(t *testing.T) {
				if live("bob-1") {
					t.Fatal("a disabled user's session still works")
				}
				if live("cat-1") != true {
					t.Fatal("another user's session ended")
				}
			}},
			{"ann is now the last enabled admin: no disable", func() (*store.User, error) { return s.UserSetDisabledChecked(ctx, c.ID, ann.ID, true) }, store.ErrLastAdmin, nil},
			{"nor demotion", func() (*store.User, error) { return s.UserSetRole(ctx, c.ID, ann.ID, store.RoleCEO) }, store.ErrLastAdmin, nil},
			{"admin to admin is no demotion", func() (*store.User, error) { return s.UserSetRole(ctx, c.ID, ann.ID, store.RoleAdmin) }, nil, nil},
			{"a disabled admin may be demoted", func() (*store.User, error) { return s.UserSetRole(ctx, c.ID, bob.ID, store.RoleOps) }, nil, nil},
			{"enable bob", func() (*store.User, error) { return s.UserSetDisabledChecked(ctx, c.ID, bob.ID, false) }, nil, func(t *testing.T) {
				if u, _ := s.UserByID(ctx, bob.ID); u.Disabled || u.Role != store.RoleOps {
					t.Fatalf("bob = %+v", u)
				}
			}},
			{"reset cat's password ends her sessions and revokes her tokens", reset(c.ID, cat.ID, "new-hash", "", 2, 1), nil, func(t *testing.T) {
				if live("cat-1") || live("cat-2") || tokenLive(cat) {
					t.Fatal("a session or token survived the password reset")
				}
				if u, _ := s.UserByID(ctx, cat.ID); u.PasswordHash != "new-hash" {
					t.Fatalf("hash = %q", u.PasswordHash)
				}
				if !live("ann-1") || !tokenLive(ann) {
					t.Fatal("another user's session or token ended")
				}
			}},
			{"ann changing her own password keeps the session she changes it from", reset(c.ID, ann.ID, "ann-hash", "ann-1", 1, 1), nil, func(t *testing.T) {
				if !live("ann-1") || live("ann-2") || tokenLive(ann) {
					t.Fatalf("ann-1 live %v, ann-2 live %v, token live %v; want true, false, false", live("ann-1"), live("ann-2"), tokenLive(ann))
				}
			}},
			{"reset needs a hash", reset(c.ID, cat.ID, "", "", 0, 0), errAny, nil},
			{"reset of another connection's user", reset(c.ID, stranger.ID, "x", "", 0, 0), store.ErrNotFound, nil},
		}
		for _, st := range steps {
			before, err := st.do()
			switch {
			case st.wantErr == errAny && err == nil:
				t.Fatalf("%s: no error", st.name)
			case st.wantErr != nil && st.wantErr != errAny && !errors.Is(err, st.wantErr):
				t.Fatalf("%s: error %v, want %v", st.name, err, st.wantErr)
			case st.wantErr == nil && err != nil:
				t.Fatalf("%s: %v", st.name, err)
			case st.wantErr == nil && before == nil:
				t.Fatalf("%s: no user returned", st.name)
			}
			if st.check != nil {
				st.check(t)
			}
		}
		if n, err := s.UserEnabledAdminCount(ctx, c.ID); err != nil || n != 1 {
			t.Fatalf("enabled admins = %d, %v", n, err)
		}
	})
}

var errAny = errors.New("any error")

// TestUserAdminLastAdminRace demotes two admins at once: exactly one of
// them may go, on both dialects.
func TestUserAdminLastAdminRace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		for round := range 5 {
			var ids []int64
			for _, n := range []string{"x", "y"} {
				u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: n + string(rune('0'+round)), Role: store.RoleAdmin})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, u.ID)
			}
			var (
				wg   sync.WaitGroup
				mu   sync.Mutex
				errs []error
			)
			for i, id := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var err error
					if i == 0 {
						_, err = s.UserSetRole(ctx, c.ID, id, store.RoleViewer)
					} else {
						_, err = s.UserSetDisabledChecked(ctx, c.ID, id, true)
					}
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}()
			}
			wg.Wait()
			last := 0
			for _, err := range errs {
				if errors.Is(err, store.ErrLastAdmin) {
					last++
				} else if err != nil {
					t.Fatal(err)
				}
			}
			if n, _ := s.UserEnabledAdminCount(ctx, c.ID); n != 1 || last != 1 {
				t.Fatalf("round %d: %d enabled admins, %d refusals; want 1 and 1", round, n, last)
			}
			// The next round starts with no admin.
			if _, err := s.DB().ExecContext(ctx, `UPDATE users SET role = 'viewer' WHERE connection_id = $1`, c.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}
