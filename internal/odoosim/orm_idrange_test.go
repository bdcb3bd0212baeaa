package odoosim_test

import (
	"fmt"
	"slices"
	"testing"
)

// TestSearchPagesInIDOrder: a search in id order with an offset and a
// limit (answered by stopping at the page's last match) returns the same
// ids as the whole ordered search paged afterwards, with archived records,
// other companies' records and offsets past the end.
func TestSearchPagesInIDOrder(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	ids := func(uid int64, secret, model string, domain []any, kwargs map[string]any) []int64 {
		t.Helper()
		v, f := execKw(t, url, uid, secret, model, "search", list(domain), kwargs)
		if f != nil {
			t.Fatalf("search %s %v %v: fault %s", model, domain, kwargs, f.String)
		}
		var out []int64
		for _, x := range v.([]any) {
			out = append(out, x.(int64))
		}
		return out
	}
	users := []struct {
		uid    int64
		secret string
	}{{adminUID, "admin"}, {viewerUID, "viewer"}}
	domains := []struct {
		model  string
		domain []any
		ctx    map[string]any
	}{
		{"res.partner", list(), nil},
		{"res.partner", list(list("id", ">", int64(3))), nil},
		{"res.partner", list(list("id", ">=", int64(2)), list("is_company", "=", true)), nil},
		{"res.partner", list(list("id", ">", int64(1))), map[string]any{"active_test": false}},
		{"account.move", list(list("id", ">", int64(1))), nil},
		{"account.move", list("|", list("id", ">", int64(3)), list("state", "=", "draft")), nil},
	}
	for _, u := range users {
		for _, d := range domains {
			base := map[string]any{"order": "id"}
			if d.ctx != nil {
				base["context"] = d.ctx
			}
			all := ids(u.uid, u.secret, d.model, d.domain, base)
			for _, offset := range []int64{0, 1, 3, 20} {
				for _, limit := range []int64{1, 2, 5} {
					kw := map[string]any{"order": "id", "offset": offset, "limit": limit}
					if d.ctx != nil {
						kw["context"] = d.ctx
					}
					got := ids(u.uid, u.secret, d.model, d.domain, kw)
					want := all[min(int(offset), len(all)):]
					want = want[:min(int(limit), len(want))]
					if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
						t.Errorf("%s as uid %d, %v, offset %d limit %d: got %v, want %v (of %v)", d.model, u.uid, fmt.Sprint(d.domain), offset, limit, got, want, all)
					}
				}
			}
		}
	}
}
