package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestAPIToken(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "ann", Role: store.RoleCFO})
		if err != nil {
			t.Fatal(err)
		}
		hash := strings.Repeat("ab", 32)
		now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		tok, err := s.APITokenCreate(ctx, store.APITokenCreateParams{ConnectionID: c.ID, UserID: u.ID, Name: "ci", TokenHash: hash, Prefix: "aicoo_ab", ExpiresAt: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.APITokenCreate(ctx, store.APITokenCreateParams{ConnectionID: c.ID, UserID: u.ID, Name: "ci", TokenHash: strings.Repeat("cd", 32)}); err == nil {
			t.Fatal("a second live token with the same name was accepted")
		}
		if _, err := s.APITokenCreate(ctx, store.APITokenCreateParams{ConnectionID: c.ID, UserID: u.ID, Name: "x", TokenHash: "short"}); err == nil {
			t.Fatal("a malformed hash was accepted")
		}

		got, gotTok, err := s.APITokenUser(ctx, hash, now)
		if err != nil || got.ID != u.ID || gotTok.ID != tok.ID || !gotTok.LastUsedAt.Equal(now) {
			t.Fatalf("APITokenUser = %+v %+v %v", got, gotTok, err)
		}
		if _, _, err := s.APITokenUser(ctx, hash, now.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired token: %v", err)
		}
		if _, _, err := s.APITokenUser(ctx, strings.Repeat("00", 32), now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
		if err := s.UserSetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.APITokenUser(ctx, hash, now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("token of a disabled user: %v", err)
		}
		if err := s.UserSetDisabled(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}

		if err := s.APITokenRevoke(ctx, u.ID, "ci"); err != nil {
			t.Fatal(err)
		}
		if err := s.APITokenRevoke(ctx, u.ID, "ci"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second revoke: %v", err)
		}
		if _, _, err := s.APITokenUser(ctx, hash, now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoked token: %v", err)
		}
		// The name is free again once revoked.
		if _, err := s.APITokenCreate(ctx, store.APITokenCreateParams{ConnectionID: c.ID, UserID: u.ID, Name: "ci", TokenHash: strings.Repeat("cd", 32)}); err != nil {
			t.Fatal(err)
		}
		list, err := s.APITokenList(ctx, u.ID)
		if err != nil || len(list) != 2 || list[1].RevokedAt.IsZero() || !list[0].RevokedAt.IsZero() {
			t.Fatalf("APITokenList = %v %v", list, err)
		}
	})
}

func TestLoginAttempts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		for i := range 3 {
			if err := s.LoginAttemptRecord(ctx, "user:ann", t0.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		n, latest, err := s.LoginAttemptCount(ctx, "user:ann", t0.Add(30*time.Second))
		if err != nil || n != 2 || !latest.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("count = %d %v %v", n, latest, err)
		}
		if n, _, _ := s.LoginAttemptCount(ctx, "user:bob", t0.Add(-time.Hour)); n != 0 {
			t.Fatalf("other key counted %d", n)
		}
		if d, err := s.LoginAttemptDeleteBefore(ctx, t0); err != nil || d != 1 {
			t.Fatalf("delete before: %d %v", d, err)
		}
		if err := s.LoginAttemptClear(ctx, "user:ann"); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := s.LoginAttemptCount(ctx, "user:ann", t0.Add(-time.Hour)); n != 0 {
			t.Fatalf("after clear: %d", n)
		}
	})
}
