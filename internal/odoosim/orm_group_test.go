package odoosim_test

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadGroupLegacy(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	posted := list(list("state", "=", "posted"), list("company_id", "=", 1))
	tests := []struct {
		name   string
		args   []any
		kwargs map[string]any
		want   []any
	}{
		{"lazy by partner", list(posted, list("amount_total:sum"), list("partner_id")), nil, list(
			map[string]any{"partner_id": list(int64(5), "Azure Interior"), "partner_id_count": int64(2), "amount_total": 2000.0,
				"__domain": list("&", "&", list("partner_id", "=", int64(5)), list("state", "=", "posted"), list("company_id", "=", int64(1)))},
			map[string]any{"partner_id": list(int64(6), "Azure Interior, Brandon Freeman"), "partner_id_count": int64(1), "amount_total": 450.5,
				"__domain": list("&", "&", list("partner_id", "=", int64(6)), list("state", "=", "posted"), list("company_id", "=", int64(1)))},
		)},
		{"date month, not lazy, alias", list(posted, list("total:sum(amount_total)", "amount_total:max"), list("date:month")), kw("lazy", false), list(
			map[string]any{"date:month": "January 2025", "__count": int64(1), "total": 1200.0, "amount_total": 1200.0,
				"__domain": list("&", "&", "&", list("date", ">=", "2025-01-01"), list("date", "<", "2025-02-01"), list("state", "=", "posted"), list("company_id", "=", int64(1))),
				"__range":  map[string]any{"date:month": map[string]any{"from": "2025-01-01", "to": "2025-02-01"}}},
			map[string]any{"date:month": "February 2025", "__count": int64(2), "total": 1250.5, "amount_total": 800.0,
				"__domain": list("&", "&", "&", list("date", ">=", "2025-02-01"), list("date", "<", "2025-03-01"), list("state", "=", "posted"), list("company_id", "=", int64(1))),
				"__range":  map[string]any{"date:month": map[string]any{"from": "2025-02-01", "to": "2025-03-01"}}},
		)},
		{"no groupby", list(posted, list("amount_total:sum", "partner_id:count_distinct"), list()), nil, list(
			map[string]any{"__count": int64(3), "amount_total": 2450.5, "partner_id": int64(2), "__domain": list("&", list("state", "=", "posted"), list("company_id", "=", int64(1)))},
		)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustExec(t, url, "account.move", "read_group", tt.args, tt.kwargs)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("read_group =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
	// Lazy with two groupbys: only the first is applied, the rest goes to
	// __context; orderby on the aggregate.
	got := mustExec(t, url, "account.move", "read_group", list(list(), list("amount_total"), list("state", "partner_id")), kw("orderby", "amount_total desc"))
	groups := got.([]any)
	first := groups[0].(map[string]any)
	if first["state"] != "posted" || first["state_count"] != int64(4) || !reflect.DeepEqual(first["__context"], map[string]any{"group_by": list("partner_id")}) {
		t.Errorf("lazy two-level first group = %v", first)
	}
	labels := map[string]string{}
	for _, gran := range []string{"day", "week", "quarter", "year"} {
		g := mustExec(t, url, "account.move", "read_group", list(list(list("id", "=", 1)), list(), list("date:"+gran)), nil)
		labels[gran] = g.([]any)[0].(map[string]any)["date:"+gran].(string)
	}
	wantLabels := map[string]string{"day": "15 Jan 2025", "week": "W03 2025", "quarter": "Q1 2025", "year": "2025"}
	if !reflect.DeepEqual(labels, wantLabels) {
		t.Errorf("labels = %v, want %v", labels, wantLabels)
	}
	_, f := execKw(t, url, adminUID, "admin", "account.move", "read_group", list(list(), list("amount_total:median"), list("state")), nil)
	if f == nil || !strings.Contains(f.String, "ValueError") {
		t.Errorf("bad aggregate: %v", f)
	}
}

func TestFormattedReadGroup(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "19.0"})
	status, got := json2(t, url, adminKey, "account.move", "formatted_read_group", kw(
		"domain", list(list("state", "=", "posted")), "groupby", list("partner_id", "date:month"),
		"aggregates", list("amount_total:sum", "__count"), "order", "amount_total:sum desc",
		"context", kw("allowed_company_ids", list(1))))
	want := list(
		map[string]any{"partner_id": list(5.0, "Azure Interior"), "date:month": list("2025-01-01", "January 2025"), "amount_total:sum": 1200.0, "__count": 1.0,
			"__extra_domain": list("&", "&", list("partner_id", "=", 5.0), list("date", ">=", "2025-01-01"), list("date", "<", "2025-02-01"))},
		map[string]any{"partner_id": list(5.0, "Azure Interior"), "date:month": list("2025-02-01", "February 2025"), "amount_total:sum": 800.0, "__count": 1.0,
			"__extra_domain": list("&", "&", list("partner_id", "=", 5.0), list("date", ">=", "2025-02-01"), list("date", "<", "2025-03-01"))},
		map[string]any{"partner_id": list(6.0, "Azure Interior, Brandon Freeman"), "date:month": list("2025-02-01", "February 2025"), "amount_total:sum": 450.5, "__count": 1.0,
			"__extra_domain": list("&", "&", list("partner_id", "=", 6.0), list("date", ">=", "2025-02-01"), list("date", "<", "2025-03-01"))},
	)
	if status != 200 || !reflect.DeepEqual(got, want) {
		t.Errorf("formatted_read_group = %d\n%#v\nwant\n%#v", status, got, want)
	}
	status, got = json2(t, url, adminKey, "account.move", "formatted_read_group", kw("domain", list(list("id", "=", 0)), "aggregates", list("__count")))
	if status != 200 || !reflect.DeepEqual(got, list(map[string]any{"__count": 0.0, "__extra_domain": list()})) {
		t.Errorf("no groupby gives one group: %d %v", status, got)
	}
	for _, body := range []map[string]any{
		kw("groupby", list("date"), "aggregates", list("__count")),
		kw("groupby", list("state"), "aggregates", list("amount_total")),
	} {
		status, got := json2(t, url, adminKey, "account.move", "formatted_read_group", body)
		if status != 500 || got.(map[string]any)["name"] != "builtins.ValueError" {
			t.Errorf("%v: %d %v", body, status, got)
		}
	}
	// read_group still answers on 19 (deprecated).
	status, got = json2(t, url, adminKey, "account.move", "read_group", kw("domain", list(), "fields", list("amount_total:sum"), "groupby", list("state")))
	if status != 200 || len(got.([]any)) != 2 {
		t.Errorf("read_group on 19: %d %v", status, got)
	}
}
