package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/search"
	"github.com/aicoo/aicoo/internal/store"
)

// searchLimitDefault is how many results the API and the page list when
// no limit is asked; the box in the header asks for fewer.
const searchLimitDefault = 20

// searchQueryMax bounds the text searched: a name or a number is short.
const searchQueryMax = 200

// searchResultJSON is one thing found, with its links.
type searchResultJSON struct {
	Kind      string  `json:"kind"`
	KindLabel string  `json:"kind_label"`
	Label     string  `json:"label"`
	Score     float64 `json:"score"`
	// Path is the aicoo page of the thing, when it has one.
	Path string `json:"path,omitempty"`
	// Model and ID name the Odoo record; OdooURL opens it in Odoo.
	Model   string `json:"model,omitempty"`
	ID      int64  `json:"id,omitempty"`
	OdooURL string `json:"odoo_url,omitempty"`
	// URL is where the result leads: its aicoo page, else its Odoo record.
	URL string `json:"url,omitempty"`
}

// searchJSON is the answer of GET /api/v1/search.
type searchJSON struct {
	Query string             `json:"query"`
	Data  []searchResultJSON `json:"data"`
}

// searchPage is the /search page.
type searchPage struct {
	Query   string
	Results []searchResultJSON
	Error   string
	// More is set when the results stopped at the limit.
	More bool
}

// searchParams reads q and limit; a bad limit is an error for people.
func searchParams(r *http.Request) (string, int, string) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > searchQueryMax {
		q = q[:searchQueryMax]
	}
	limit := searchLimitDefault
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > search.LimitMax {
			return q, 0, "limit must be a whole number from 1 to " + strconv.Itoa(search.LimitMax) + "."
		}
		limit = n
	}
	return q, limit, ""
}

// runSearch searches for the signed-in user and adds the links.
func (s *Server) runSearch(ctx context.Context, u *store.User, q string, limit int) ([]searchResultJSON, error) {
	out := []searchResultJSON{}
	if q == "" {
		return out, nil
	}
	res, err := s.cfg.Search.Search(ctx, search.Query{ConnectionID: u.ConnectionID, Role: u.Role, Text: q, Limit: limit})
	if err != nil {
		return nil, err
	}
	base := ""
	if len(res) > 0 {
		conn, err := s.cfg.Store.ConnectionByID(ctx, u.ConnectionID)
		if err != nil {
			return nil, err
		}
		base = conn.OdooURL
	}
	for _, r := range res {
		j := searchResultJSON{Kind: r.Kind, KindLabel: r.KindLabel, Label: r.Label, Score: r.Score, Path: r.Path, Model: r.Model, ID: r.ID}
		if r.Model != "" && r.ID != 0 {
			j.OdooURL = odooLink(base, r.Model, r.ID)
		}
		j.URL = j.Path
		if j.URL == "" {
			j.URL = j.OdooURL
		}
		out = append(out, j)
	}
	return out, nil
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	q, limit, bad := searchParams(r)
	if bad != "" {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, bad)
		return
	}
	// A search never waits long: the box asks again on the next keystroke.
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	res, err := s.runSearch(ctx, userFrom(r.Context()), q, limit)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, searchJSON{Query: q, Data: res})
}

func (s *Server) showSearch(w http.ResponseWriter, r *http.Request) {
	q, limit, bad := searchParams(r)
	p := searchPage{Query: q, Error: bad}
	if bad == "" {
		res, err := s.runSearch(r.Context(), userFrom(r.Context()), q, limit)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		p.Results, p.More = res, len(res) == limit
	}
	code := http.StatusOK
	if bad != "" {
		code = http.StatusBadRequest
	}
	s.render(w, r, "search", code, p)
}
