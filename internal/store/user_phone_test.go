package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestUserPhone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		if _, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "bad", Role: store.RoleOps, Phone: "0470 12 34 56"}); err == nil {
			t.Fatal("created a user with a phone number not in E.164 form")
		}
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "ann", Role: store.RoleOps, Phone: "+32470123456"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Phone != "+32470123456" {
			t.Fatalf("created phone = %q", u.Phone)
		}
		plain, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "bob", Role: store.RoleOps})
		if err != nil {
			t.Fatal(err)
		}
		if plain.Phone != "" {
			t.Fatalf("phone of a user created without one = %q", plain.Phone)
		}

		tests := []struct {
			name    string
			id      int64
			phone   string
			wantErr bool
			notFnd  bool
		}{
			{name: "set", id: plain.ID, phone: "+14155550123"},
			{name: "clear", id: u.ID, phone: ""},
			{name: "no plus", id: plain.ID, phone: "14155550123", wantErr: true},
			{name: "leading zero country", id: plain.ID, phone: "+0470123456", wantErr: true},
			{name: "too long", id: plain.ID, phone: "+1234567890123456", wantErr: true},
			{name: "unknown user", id: 999999, phone: "+14155550123", wantErr: true, notFnd: true},
		}
		for _, tt := range tests {
			err := s.UserSetPhone(ctx, tt.id, tt.phone)
			if (err != nil) != tt.wantErr {
				t.Fatalf("%s: UserSetPhone(%q) error = %v, want error %v", tt.name, tt.phone, err, tt.wantErr)
			}
			if tt.notFnd != errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s: error %v, want ErrNotFound %v", tt.name, err, tt.notFnd)
			}
		}
		// The last successful writes stand, and every reader sees them.
		got, err := s.UserByID(ctx, plain.ID)
		if err != nil || got.Phone != "+14155550123" {
			t.Fatalf("UserByID phone = %q, %v", got.Phone, err)
		}
		byName, err := s.UserByUsername(ctx, c.ID, "ann")
		if err != nil || byName.Phone != "" {
			t.Fatalf("UserByUsername phone = %q, %v; want cleared", byName.Phone, err)
		}
		list, err := s.UserList(ctx, c.ID)
		if err != nil || len(list) != 2 || list[1].Phone != "+14155550123" {
			t.Fatalf("UserList = %+v, %v", list, err)
		}
	})
}
