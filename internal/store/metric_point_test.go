package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestMetricPoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme", OdooURL: "https://acme.odoo.com", OdooDatabase: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "other", OdooURL: "https://o.odoo.com", OdooDatabase: "o"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.MetricHistoryStateGet(ctx, conn.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("state before the first run: err = %v, want ErrNotFound", err)
		}
		// More points than one statement holds, over two companies.
		var pts []store.MetricPoint
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range 250 {
			d := day.AddDate(0, 0, i).Format(time.DateOnly)
			pts = append(pts, store.MetricPoint{CompanyID: 1, Metric: "finance.cash.position", Day: d, Value: float64(i) + 0.25, Unit: "EUR"},
				store.MetricPoint{CompanyID: 2, Metric: "finance.cash.position", Day: d, Value: -float64(i), Unit: "USD"})
		}
		pts = append(pts, store.MetricPoint{CompanyID: 1, Metric: "finance.ar.total", Day: "2024-03-31", Value: 1234567.89, Unit: "EUR"})
		if err := s.MetricPointReplace(ctx, conn.ID, "", pts); err != nil {
			t.Fatal(err)
		}
		if err := s.MetricPointReplace(ctx, other.ID, "", pts[:3]); err != nil {
			t.Fatal(err)
		}
		all, err := s.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: conn.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(pts) {
			t.Fatalf("listed %d points, stored %d", len(all), len(pts))
		}
		if all[0] != (store.MetricPoint{CompanyID: 1, Metric: "finance.ar.total", Day: "2024-03-31", Value: 1234567.89, Unit: "EUR"}) {
			t.Errorf("first point = %+v, want the AR total (ordered by metric)", all[0])
		}
		got, err := s.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: conn.ID, CompanyID: 2,
			Metrics: []string{"finance.cash.position"}, From: "2024-02-01", To: "2024-02-03"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].Day != "2024-02-01" || got[0].Value != -31 || got[2].Day != "2024-02-03" || got[0].Unit != "USD" {
			t.Fatalf("company 2 in early February = %+v", got)
		}
		// Replacing from a day keeps the days before and drops the rest.
		if err := s.MetricPointReplace(ctx, conn.ID, "2024-03-31", []store.MetricPoint{{CompanyID: 1, Metric: "finance.ar.total", Day: "2024-04-30", Value: 7, Unit: "EUR"}}); err != nil {
			t.Fatal(err)
		}
		all, err = s.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: conn.ID, Metrics: []string{"finance.ar.total"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 || all[0].Day != "2024-04-30" {
			t.Fatalf("AR after replacing from 2024-03-31 = %+v", all)
		}
		cash, err := s.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: conn.ID, CompanyID: 1, Metrics: []string{"finance.cash.position"}})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(cash); n != 90 || cash[n-1].Day != "2024-03-30" {
			t.Fatalf("cash after replacing from 2024-03-31: %d points, last %+v", n, cash[n-1])
		}
		if err := s.MetricPointReplace(ctx, conn.ID, "2024-05-01", []store.MetricPoint{{Metric: "x", Day: "2024-04-01"}}); err == nil {
			t.Error("a point before from was accepted")
		}
		if o, err := s.MetricPointList(ctx, store.MetricPointListParams{ConnectionID: other.ID}); err != nil || len(o) != 3 {
			t.Fatalf("other connection: %d points, err %v; want its 3 untouched", len(o), err)
		}
		until := time.Date(2024, 9, 1, 12, 30, 0, 0, time.UTC)
		st := &store.MetricHistoryState{ConnectionID: conn.ID, RecordsUntil: until, FullAt: until, FirstDay: "2022-09-30", LastDay: "2024-09-01"}
		if err := s.MetricHistoryStatePut(ctx, st); err != nil {
			t.Fatal(err)
		}
		st.RecordsUntil = until.Add(time.Hour)
		if err := s.MetricHistoryStatePut(ctx, st); err != nil {
			t.Fatal(err)
		}
		back, err := s.MetricHistoryStateGet(ctx, conn.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !back.RecordsUntil.Equal(until.Add(time.Hour)) || back.FirstDay != "2022-09-30" || back.LastDay != "2024-09-01" || !back.FullAt.Equal(until) || back.UpdatedAt.IsZero() {
			t.Fatalf("state = %+v", back)
		}
		if err := s.MetricHistoryStatePut(ctx, &store.MetricHistoryState{ConnectionID: conn.ID}); err == nil {
			t.Error("a state without RecordsUntil was accepted")
		}
	})
}
