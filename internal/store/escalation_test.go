package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestEscalationPriorities: a policy is attached to priorities, read back
// most urgent first; a priority holds one policy per connection (the
// database refuses a second); an update replaces them; deleting the policy
// frees them.
func TestEscalationPriorities(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		levels := []store.EscalationLevel{{Roles: []string{store.RoleCFO}, Timeout: store.JSONDuration(10 * time.Minute)}}
		night, err := s.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: c.ID, Name: "night", Levels: levels,
			Priorities: []string{store.PriorityHigh, store.PriorityCritical, store.PriorityHigh}})
		if err != nil || !reflect.DeepEqual(night.Priorities, []string{store.PriorityCritical, store.PriorityHigh}) {
			t.Fatalf("create: %+v %v", night, err)
		}
		got, err := s.EscalationPolicyByID(ctx, night.ID)
		if err != nil || !reflect.DeepEqual(got.Priorities, []string{store.PriorityCritical, store.PriorityHigh}) {
			t.Fatalf("by id: %+v %v", got, err)
		}
		// A second policy may not take critical: the transaction fails.
		err = s.InTx(ctx, func(tx *store.Store) error {
			_, err := tx.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: c.ID, Name: "day", Levels: levels,
				Priorities: []string{store.PriorityCritical}})
			return err
		})
		if err == nil {
			t.Fatal("two policies for critical")
		}
		day, err := s.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: c.ID, Name: "day", Levels: levels,
			Priorities: []string{store.PriorityLow}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EscalationPolicyUpdate(ctx, night.ID, store.EscalationPolicyParams{ConnectionID: c.ID, Name: "night", Levels: levels,
			Priorities: []string{store.PriorityMedium}}); err != nil {
			t.Fatal(err)
		}
		list, err := s.EscalationPolicyList(ctx, c.ID)
		if err != nil || len(list) != 2 || !reflect.DeepEqual(list[0].Priorities, []string{store.PriorityLow}) ||
			!reflect.DeepEqual(list[1].Priorities, []string{store.PriorityMedium}) {
			t.Fatalf("list: %+v %v", list, err)
		}
		// Deleted, the policy frees its priority for another.
		if err := s.EscalationPolicyDelete(ctx, night.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EscalationPolicyUpdate(ctx, day.ID, store.EscalationPolicyParams{ConnectionID: c.ID, Name: "day", Levels: levels,
			Priorities: []string{store.PriorityMedium}}); err != nil {
			t.Fatalf("medium after its policy was deleted: %v", err)
		}
	})
}
