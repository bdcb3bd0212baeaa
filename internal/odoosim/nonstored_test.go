package odoosim_test

import (
	"reflect"
	"strings"
	"testing"
)

// TestNonStoredFields: a condition on a non-stored field without a search
// method is dropped up to 18 and fails on 19; ordering by a non-stored
// field is skipped on 16/17 and fails on 18+; fields_get says so.
func TestNonStoredFields(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		version     string
		searchFails bool
		orderFails  bool
	}{
		{"16.0", false, false},
		{"17.0", false, false},
		{"18.0", false, true},
		{"19.0", true, true},
	} {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			_, url := start(t, startOpts{version: tt.version})
			all := mustExec(t, url, "res.partner", "search", list(list()), nil)
			byID := mustExec(t, url, "res.partner", "search", list(list()), kw("order", "id"))
			const notStored = "ValueError: Cannot convert res.partner.company_type to SQL because it is not stored"

			got, f := execKw(t, url, adminUID, "admin", "res.partner", "search", list(list(list("company_type", "=", "company"))), nil)
			switch {
			case tt.searchFails && (f == nil || f.Code != 1 || !strings.Contains(f.String, notStored)):
				t.Errorf("search on company_type = %v, %v; want %s", got, f, notStored)
			case !tt.searchFails && (f != nil || !reflect.DeepEqual(got, all)):
				t.Errorf("search on company_type = %v, %v; want every partner %v (condition ignored)", got, f, all)
			}
			// A searchable non-stored field still filters.
			if n := mustExec(t, url, "res.partner", "search_count", list(list(list("display_name", "ilike", "azure"))), nil); n != int64(3) {
				t.Errorf("search on display_name = %v, want 3", n)
			}

			got, f = execKw(t, url, adminUID, "admin", "res.partner", "search", list(list()), kw("order", "company_type desc"))
			switch {
			case tt.orderFails && (f == nil || f.Code != 1 || !strings.Contains(f.String, notStored)):
				t.Errorf("order by company_type = %v, %v; want %s", got, f, notStored)
			case !tt.orderFails && (f != nil || !reflect.DeepEqual(got, byID)):
				// No ORDER BY is left: PostgreSQL returns table order.
				t.Errorf("order by company_type = %v, %v; want id order %v", got, f, byID)
			}

			fg := mustExec(t, url, "res.partner", "fields_get", list(list("company_type", "name", "credit")), kw("attributes", list("store", "searchable"))).(map[string]any)
			want := map[string]any{
				"company_type": kw("store", false, "searchable", false),
				"name":         kw("store", true, "searchable", true),
				"credit":       kw("store", false, "searchable", true),
			}
			if !reflect.DeepEqual(fg, want) {
				t.Errorf("fields_get = %v, want %v", fg, want)
			}
		})
	}
}
