package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestAskThreads(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			tick := func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				now = now.Add(time.Minute)
				return now
			}
			s := storetest.Open(t, d, func(c *store.Config) { c.NowFunc = tick })
			ctx := context.Background()
			c := newConnection(t, s)
			ann, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "ann", Role: store.RoleCEO})
			if err != nil {
				t.Fatal(err)
			}
			bob, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "bob", Role: store.RoleSales})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.AskThreadCreate(ctx, c.ID, ann.ID, "  \n "); err == nil {
				t.Fatal("an empty title was accepted")
			}
			first, err := s.AskThreadCreate(ctx, c.ID, ann.ID, "What is   overdue\nfrom Alpen?")
			if err != nil || first.Title != "What is overdue from Alpen?" {
				t.Fatalf("create = %+v, %v", first, err)
			}
			second, err := s.AskThreadCreate(ctx, c.ID, ann.ID, strings.Repeat("x", 300))
			if err != nil || len([]rune(second.Title)) != 200 {
				t.Fatalf("long title = %d runes, %v", len([]rune(second.Title)), err)
			}
			if _, err := s.AskThreadCreate(ctx, c.ID, bob.ID, "Bob's"); err != nil {
				t.Fatal(err)
			}

			// A message makes its thread the most recent.
			q, err := s.AskMessageAdd(ctx, store.AskMessage{ThreadID: first.ID, Role: store.AskRoleUser, Content: "What is overdue from Alpen?"})
			if err != nil || string(q.Tools) != "[]" {
				t.Fatalf("add question = %+v, %v", q, err)
			}
			tools := json.RawMessage(`[{"name":"search_records","ok":true}]`)
			sources := json.RawMessage(`[{"label":"Invoice INV/1","model":"account.move","id":7}]`)
			a, err := s.AskMessageAdd(ctx, store.AskMessage{ThreadID: first.ID, Role: store.AskRoleAssistant, Content: "1,200 is overdue.",
				Tools: tools, Sources: sources, Ungrounded: json.RawMessage(`["1,300"]`), Note: "One number could not be checked."})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.AskMessageAdd(ctx, store.AskMessage{ThreadID: first.ID, Role: "system", Content: "x"}); err == nil {
				t.Fatal("a system message was accepted")
			}
			if _, err := s.AskMessageAdd(ctx, store.AskMessage{ThreadID: first.ID, Role: store.AskRoleUser, Content: "x", Tools: json.RawMessage(`{}`)}); err == nil {
				t.Fatal("tools that are not an array were accepted")
			}
			if _, err := s.AskMessageAdd(ctx, store.AskMessage{ThreadID: 999999, Role: store.AskRoleUser, Content: "x"}); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("message to a missing thread: %v", err)
			}
			list, err := s.AskThreadList(ctx, ann.ID, 0)
			if err != nil || len(list) != 2 || list[0].ID != first.ID || list[1].ID != second.ID {
				t.Fatalf("list = %+v, %v", list, err)
			}
			msgs, err := s.AskMessageList(ctx, first.ID)
			if err != nil || len(msgs) != 2 || msgs[0].ID != q.ID || msgs[1].ID != a.ID {
				t.Fatalf("messages = %+v, %v", msgs, err)
			}
			var gotSources []map[string]any
			if err := json.Unmarshal(msgs[1].Sources, &gotSources); err != nil || len(gotSources) != 1 || gotSources[0]["model"] != "account.move" ||
				msgs[1].Note != "One number could not be checked." || !strings.Contains(string(msgs[1].Tools), "search_records") || !strings.Contains(string(msgs[1].Ungrounded), "1,300") {
				t.Fatalf("answer read back = %+v", msgs[1])
			}

			// Another user can neither see, rename nor delete ann's thread.
			if _, err := s.AskThreadGet(ctx, bob.ID, first.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob reads ann's thread: %v", err)
			}
			if _, err := s.AskThreadRename(ctx, bob.ID, first.ID, "mine"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob renames ann's thread: %v", err)
			}
			if err := s.AskThreadDelete(ctx, bob.ID, first.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("bob deletes ann's thread: %v", err)
			}
			r, err := s.AskThreadRename(ctx, ann.ID, first.ID, "Alpen overdue")
			if err != nil || r.Title != "Alpen overdue" {
				t.Fatalf("rename = %+v, %v", r, err)
			}
			if err := s.AskThreadDelete(ctx, ann.ID, first.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.AskThreadGet(ctx, ann.ID, first.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("deleted thread: %v", err)
			}
			if msgs, err := s.AskMessageList(ctx, first.ID); err != nil || len(msgs) != 0 {
				t.Fatalf("messages of a deleted thread = %d, %v", len(msgs), err)
			}
		})
	}
}
