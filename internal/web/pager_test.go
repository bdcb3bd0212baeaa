package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
)

// TestAlertsPaginated: a long alert list shows 50 a page with links to the
// others that keep the filter.
func TestAlertsPaginated(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	for i := range 60 {
		if _, _, err := f.store.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: f.conn.ID, Fingerprint: fmt.Sprintf("page-%d", i), Type: "finance",
			Priority: store.PriorityLow, Title: fmt.Sprintf("Paged alert %02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(body string) int { return strings.Count(body, `<tr id="alert-`) }
	first := read(t, f.do(t, "cfo", "GET", "/alerts?priority=low", ""))
	if n := count(first); n != 50 || !strings.Contains(first, "Page 1 of 2 (60 in all)") || !strings.Contains(first, `href="/alerts?page=2&amp;priority=low"`) {
		t.Errorf("page 1: %d rows, pager missing or wrong", n)
	}
	second := read(t, f.do(t, "cfo", "GET", "/alerts?priority=low&page=2", ""))
	if n := count(second); n != 10 || !strings.Contains(second, "Page 2 of 2") {
		t.Errorf("page 2: %d rows, want 10", n)
	}
}

func TestNewPager(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		page, total       int
		wantPages         int
		wantPrev, wantNxt bool
	}{
		{1, 0, 1, false, false}, {1, 50, 1, false, false}, {1, 51, 2, false, true}, {2, 51, 2, true, false}, {3, 120, 3, true, false},
	} {
		r := httptestRequest("/alerts?status=all")
		p := newPager(r, page{Page: tc.page, PerPage: 50}, tc.total)
		if p.Pages != tc.wantPages || (p.Prev != "") != tc.wantPrev || (p.Next != "") != tc.wantNxt {
			t.Errorf("page %d of %d rows: %+v", tc.page, tc.total, p)
		}
	}
}

func httptestRequest(target string) *http.Request { return httptest.NewRequest("GET", target, nil) }
