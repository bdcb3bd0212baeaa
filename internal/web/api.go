package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// API error codes, the "code" of {"error": {"code", "message"}}.
const (
	codeBadRequest      = "bad_request"
	codeTooLarge        = "too_large"
	codeUnauthenticated = "unauthenticated"
	codeForbidden       = "forbidden"
	codeNotFound        = "not_found"
	codeConflict        = "conflict"
	codeNotImplemented  = "not_implemented"
	codeInternal        = "internal"
)

// apiErrorBody is the shape of every API error.
type apiErrorBody struct {
	Error apiErrorDetail `json:"error"`
}

type apiErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (s *Server) apiError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	writeJSON(w, status, apiErrorBody{Error: apiErrorDetail{Code: code, Message: msg}})
}

func (s *Server) apiServerError(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientGone(r, err) {
		return
	}
	s.cfg.Logger.ErrorContext(r.Context(), "web: API request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	s.apiError(w, r, http.StatusInternalServerError, codeInternal, "Internal error; the server log has the details.")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// Pagination bounds.
const (
	PerPageDefault = 50
	PerPageMax     = 500
	// pageWindowMax bounds page*per_page: lists are read up to this many
	// rows deep.
	pageWindowMax = 10000
)

// page is a request's pagination: 1-based page number and page size.
type page struct {
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	// HasMore says whether a next page exists.
	HasMore bool `json:"has_more"`
}

// parsePage reads ?page= and ?per_page=, rejecting bad values.
func parsePage(r *http.Request) (page, error) {
	p := page{Page: 1, PerPage: PerPageDefault}
	for _, f := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &p.Page, pageWindowMax}, {"per_page", &p.PerPage, PerPageMax}} {
		v := r.URL.Query().Get(f.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > f.max {
			return p, fmt.Errorf("%s must be a whole number from 1 to %d, not %q", f.name, f.max, v)
		}
		*f.dst = n
	}
	if p.Page*p.PerPage > pageWindowMax {
		return p, fmt.Errorf("page %d of %d goes deeper than %d rows; filter the list instead", p.Page, p.PerPage, pageWindowMax)
	}
	return p, nil
}

// fetch is how many rows to read to serve the page and know if more exist.
func (p page) fetch() int { return p.Page*p.PerPage + 1 }

// slice cuts the page out of the rows read from the start and sets HasMore.
func paginate[T any](rows []T, p *page) []T {
	start := (p.Page - 1) * p.PerPage
	if start >= len(rows) {
		return []T{}
	}
	end := min(start+p.PerPage, len(rows))
	p.HasMore = len(rows) > end
	return rows[start:end]
}

// listResponse is the shape of every paginated list.
type listResponse[T any] struct {
	Data       []T  `json:"data"`
	Pagination page `json:"pagination"`
}

// wantCSV reports whether the client asked for CSV (?format=csv).
func wantCSV(r *http.Request) bool { return r.URL.Query().Get("format") == "csv" }

// writeCSV sends a table as a CSV download. Cells that a spreadsheet would
// run as a formula are prefixed with a quote.
func writeCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	for _, row := range rows {
		for i, c := range row {
			if c != "" && (c[0] == '=' || c[0] == '+' || c[0] == '-' || c[0] == '@' || c[0] == '\t' || c[0] == '\r') {
				if _, err := strconv.ParseFloat(c, 64); err != nil {
					row[i] = "'" + c
				}
			}
		}
		_ = cw.Write(row)
	}
	cw.Flush()
}
