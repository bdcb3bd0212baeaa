package odoosim_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// ids converts a decoded id list.
func ids(t *testing.T, v any) []int64 {
	t.Helper()
	var out []int64
	for _, x := range v.([]any) {
		out = append(out, x.(int64))
	}
	return out
}

func TestSearchDomains(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	tests := []struct {
		name   string
		domain []any
		kwargs map[string]any
		want   []int64
	}{
		{"everything active", list(), nil, []int64{1, 2, 3, 4, 5, 6, 7, 9}},
		{"nested or not", list("|", list("country_id.code", "=", "BE"), "!", list("is_company", "=", true)), nil, []int64{3, 4, 5, 6, 9}},
		{"and of or", list("&", "|", list("name", "ilike", "azure"), list("name", "ilike", "deco"), list("is_company", "=", true)), nil, []int64{5, 7}},
		{"implicit and", list(list("is_company", "=", false), list("parent_id", "!=", false)), nil, []int64{6, 9}},
		{"dotted path", list(list("parent_id.name", "ilike", "azure")), nil, []int64{6}},
		{"two-level dotted path", list(list("parent_id.parent_id.name", "=", "Azure Interior")), nil, []int64{9}},
		{"child_of id", list(list("id", "child_of", 5)), nil, []int64{5, 6, 9}},
		{"child_of name", list(list("id", "child_of", "Azure Interior")), nil, []int64{5, 6, 9}},
		{"parent_of", list(list("id", "parent_of", 9)), nil, []int64{5, 6, 9}},
		{"many2one by name", list(list("country_id", "ilike", "germ")), nil, []int64{1, 7}},
		{"in with False", list(list("country_id", "in", list(false, 1))), nil, []int64{2, 3, 4, 5, 6, 9}},
		{"x2many", list(list("child_ids", "!=", false)), nil, []int64{5, 6}},
		{"any (17+)", list(list("child_ids", "any", list(list("name", "=like", "Colleen%")))), nil, []int64{6}},
		{"archived only", list(list("active", "=", false)), nil, []int64{8}},
		{"active_test false", list(list("is_company", "=", true)), kw("context", kw("active_test", false)), []int64{1, 2, 5, 7, 8}},
		{"allowed companies", list(list("is_company", "=", true)), kw("context", kw("allowed_company_ids", list(1))), []int64{1, 2, 5}},
		{"limit offset", list(), kw("limit", 2, "offset", 1), []int64{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kwargs := kw("order", "id")
			for k, v := range tt.kwargs {
				kwargs[k] = v
			}
			got := ids(t, mustExec(t, url, "res.partner", "search", list(tt.domain), kwargs))
			if !slices.Equal(got, tt.want) {
				t.Errorf("search %v = %v, want %v", tt.domain, got, tt.want)
			}
		})
	}
}

func TestSearchOrder(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	tests := []struct {
		order string
		want  []int64
	}{
		{"", []int64{5, 6, 9, 3, 1, 2, 4}},                         // complete_name ASC, id DESC
		{"name desc", []int64{4, 2, 1, 3, 9, 6, 5}},                // by name
		{"country_id, name", []int64{5, 6, 9, 1, 3, 2, 4}},         // many2one by display name, unset last
		{"country_id desc, id desc", []int64{4, 3, 2, 1, 9, 6, 5}}, // unset first when descending
		{"is_company desc, id", []int64{1, 2, 5, 3, 4, 6, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.order, func(t *testing.T) {
			got := ids(t, mustExec(t, url, "res.partner", "search", list(list()), kw("order", tt.order, "context", kw("allowed_company_ids", list(1)))))
			if !slices.Equal(got, tt.want) {
				t.Errorf("order %q = %v, want %v", tt.order, got, tt.want)
			}
		})
	}
}

func TestReadShapes(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	v := mustExec(t, url, "res.partner", "read", list(list(int64(6), int64(999), int64(8)), list("parent_id", "child_ids", "email", "customer_rank", "company_type", "active")), nil)
	want := list(
		map[string]any{"id": int64(6), "parent_id": list(int64(5), "Azure Interior"), "child_ids": list(int64(9)), "email": false, "customer_rank": int64(0), "company_type": "person", "active": true},
		map[string]any{"id": int64(8), "parent_id": false, "child_ids": list(), "email": false, "customer_rank": int64(0), "company_type": "company", "active": false},
	)
	if !reflect.DeepEqual(v, want) {
		t.Errorf("read = %#v\nwant %#v", v, want)
	}
	v = mustExec(t, url, "res.partner", "read", list(list(int64(6)), list("parent_id")), kw("load", false))
	if got := v.([]any)[0].(map[string]any)["parent_id"]; got != int64(5) {
		t.Errorf("load=None parent_id = %#v, want a bare id", got)
	}
	v = mustExec(t, url, "res.partner", "name_search", list("brandon"), nil)
	if !reflect.DeepEqual(v, list(list(int64(6), "Azure Interior, Brandon Freeman"))) {
		t.Errorf("name_search = %v", v)
	}
	v = mustExec(t, url, "res.partner", "fields_get", list(list("type", "parent_id", "child_ids")), kw("attributes", list("type", "relation", "selection", "relation_field")))
	fg := v.(map[string]any)
	if fg["parent_id"].(map[string]any)["relation"] != "res.partner" || fg["child_ids"].(map[string]any)["relation_field"] != "parent_id" {
		t.Errorf("fields_get = %v", fg)
	}
	if sel := fg["type"].(map[string]any)["selection"].([]any); len(sel) != 4 {
		t.Errorf("17 partner types = %v (private is 16 only)", sel)
	}
	if _, ok := fg["type"].(map[string]any)["string"]; ok {
		t.Errorf("attributes filter ignored: %v", fg["type"])
	}
	v = mustExec(t, url, "res.partner", "default_get", list(list("type", "active", "company_id")), kw("context", kw("default_type", "invoice")))
	if d := v.(map[string]any); d["type"] != "invoice" || d["active"] != true || d["company_id"] != int64(1) {
		t.Errorf("default_get = %v", d)
	}
}

func TestVersionFieldNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		model   string
		field   string
		id      int64
		want    any
	}{
		{"16.0", "project.task", "planned_hours", 1, 4.0},
		{"16.0", "project.task", "date_deadline", 1, "2025-04-01"},
		{"17.0", "project.task", "date_deadline", 1, "2025-04-01 12:00:00"},
		{"17.0", "project.task", "allocated_hours", 1, 4.0},
		{"17.0", "account.move", "to_check", 1, true},
		{"18.0", "account.move", "checked", 1, false},
		{"19.0", "purchase.order", "state", 2, "purchase"},
		{"19.0", "purchase.order", "locked", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.version+" "+tt.field, func(t *testing.T) {
			_, url := start(t, startOpts{version: tt.version})
			v := mustExec(t, url, tt.model, "read", list(list(tt.id), list(tt.field)), nil)
			if got := v.([]any)[0].(map[string]any)[tt.field]; got != tt.want {
				t.Errorf("%s.%s = %#v, want %#v", tt.model, tt.field, got, tt.want)
			}
		})
	}
	_, url := start(t, startOpts{version: "19.0"})
	_, f := execKw(t, url, adminUID, "admin", "res.partner", "read", list(list(int64(1)), list("mobile")), nil)
	if f == nil || !strings.Contains(f.String, "Invalid field 'mobile'") {
		t.Errorf("mobile on 19: %v", f)
	}
	_, url = start(t, startOpts{version: "17.0"})
	v := mustExec(t, url, "account.move", "search", list(list(list("to_check", "=", true))), kw("order", "id"))
	if got := ids(t, v); len(got) != 5 {
		t.Errorf("search on renamed field to_check = %v", got)
	}
}
