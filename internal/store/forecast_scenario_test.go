package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestForecastScenarios(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		other, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "globex", OdooURL: "https://globex.odoo.com", OdooDatabase: "globex"})
		if err != nil {
			t.Fatal(err)
		}
		p := store.ForecastScenarioParams{ConnectionID: c.ID, Name: "Summit pays late", Changes: json.RawMessage(`[{"kind":"customer_delay","partner_id":7,"days":30}]`), MinCash: 50000, CreatedBy: 3}
		sc, err := s.ForecastScenarioCreate(ctx, p)
		if err != nil || sc.Name != p.Name || sc.MinCash != 50000 || string(sc.Changes) != string(p.Changes) {
			t.Fatalf("create: %+v %v", sc, err)
		}
		if _, err := s.ForecastScenarioCreate(ctx, p); !errors.Is(err, store.ErrScenarioExists) {
			t.Fatalf("duplicate name: %v", err)
		}
		for _, bad := range []store.ForecastScenarioParams{{ConnectionID: c.ID, Name: " ", Changes: json.RawMessage(`[]`)}, {ConnectionID: c.ID, Name: "x", Changes: json.RawMessage(`[`)}} {
			if _, err := s.ForecastScenarioCreate(ctx, bad); err == nil {
				t.Errorf("created %+v", bad)
			}
		}
		if _, err := s.ForecastScenarioByID(ctx, other.ID, sc.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another connection reads it: %v", err)
		}
		p.Name, p.MinCash = "Summit never pays", 10000
		up, err := s.ForecastScenarioUpdate(ctx, sc.ID, p)
		if err != nil || up.Name != p.Name || up.MinCash != 10000 {
			t.Fatalf("update: %+v %v", up, err)
		}
		p.ConnectionID = other.ID
		if _, err := s.ForecastScenarioUpdate(ctx, sc.ID, p); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another connection updates it: %v", err)
		}
		list, err := s.ForecastScenarioList(ctx, c.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v %v", list, err)
		}
		if err := s.ForecastScenarioDelete(ctx, other.ID, sc.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another connection deletes it: %v", err)
		}
		if err := s.ForecastScenarioDelete(ctx, c.ID, sc.ID); err != nil {
			t.Fatal(err)
		}

		for _, step := range []struct {
			id  string
			off bool
		}{{"partner:4", true}, {"account:9", true}, {"partner:4", true}, {"account:9", false}} {
			if err := s.ForecastFlowSwitch(ctx, c.ID, step.id, step.off, 1); err != nil {
				t.Fatal(err)
			}
		}
		if off, err := s.ForecastFlowsOff(ctx, c.ID); err != nil || !slices.Equal(off, []string{"partner:4"}) {
			t.Fatalf("flows off: %v %v", off, err)
		}
		if off, err := s.ForecastFlowsOff(ctx, other.ID); err != nil || len(off) != 0 {
			t.Fatalf("another connection's flows off: %v %v", off, err)
		}
	})
}
