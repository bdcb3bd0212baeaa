package web

import (
	"net/http"
	"strconv"
)

// pagePerPage is how many rows a page's long list shows at a time.
const pagePerPage = 50

// pager is the "page 2 of 7" line under a long list on a page.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string // links, empty at the ends
}

// newPager describes page pg of total rows, with links that keep the
// request's other query parameters.
func newPager(r *http.Request, pg page, total int) pager {
	p := pager{Page: pg.Page, Total: total, Pages: max(1, (total+pg.PerPage-1)/pg.PerPage)}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		q.Del("per_page")
		return r.URL.Path + "?" + q.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(min(p.Page-1, p.Pages))
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	return p
}
