package odoosim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aicoo/aicoo/internal/odoo/xmlrpc"
	"github.com/aicoo/aicoo/internal/odoosim"
)

// benchServer serves 1,000 partners (plus the fixture's) on version.
func benchServer(b *testing.B, version string) string {
	b.Helper()
	ds := fixture(b)
	for i := range 1000 {
		name := fmt.Sprintf("Partner %04d", i)
		r := rec("name", name, "complete_name", name, "is_company", i%3 == 0, "active", true, "type", "contact",
			"email", fmt.Sprintf("p%d@example.com", i), "country_id", int64(i%2+1), "customer_rank", int64(i%5),
			"write_date", "2025-03-01 10:00:00", "create_date", "2025-03-01 10:00:00")
		if i%3 != 0 {
			r["parent_id"] = int64(5)
		}
		if _, err := ds.Add("res.partner", r); err != nil {
			b.Fatal(err)
		}
	}
	s, err := odoosim.New(ds, odoosim.Options{Version: version, Users: testUsers(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(s)
	b.Cleanup(ts.Close)
	return ts.URL
}

var benchFields = []any{"name", "email", "is_company", "parent_id", "country_id", "customer_rank", "write_date"}

// benchDomain matches the 1,000 generated partners.
var benchDomain = []any{[]any{"name", "=like", "Partner %"}}

func roundTrip(b *testing.B, req func() *http.Request) {
	b.Helper()
	b.ReportAllocs()
	var n int64
	for b.Loop() {
		resp, err := http.DefaultClient.Do(req())
		if err != nil {
			b.Fatal(err)
		}
		m, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		n = m
	}
	b.ReportMetric(float64(n), "resp-bytes")
}

// BenchmarkSearchRead1000 reads 1,000 records with search_read over each
// protocol, including HTTP on loopback.
func BenchmarkSearchRead1000(b *testing.B) {
	b.Run("xmlrpc", func(b *testing.B) {
		url := benchServer(b, "17.0")
		var buf bytes.Buffer
		if err := xmlrpc.EncodeCall(&buf, "execute_kw", testDB, adminUID, "admin", "res.partner", "search_read",
			[]any{benchDomain}, map[string]any{"fields": benchFields, "order": "id"}); err != nil {
			b.Fatal(err)
		}
		body := buf.Bytes()
		roundTrip(b, func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, url+"/xmlrpc/2/object", bytes.NewReader(body))
			return r
		})
	})
	b.Run("jsonrpc", func(b *testing.B) {
		url := benchServer(b, "17.0")
		body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "call", "id": 1, "params": map[string]any{
			"service": "object", "method": "execute_kw",
			"args": []any{testDB, adminUID, "admin", "res.partner", "search_read", []any{benchDomain}, map[string]any{"fields": benchFields, "order": "id"}}}})
		roundTrip(b, func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, url+"/jsonrpc", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			return r
		})
	})
	b.Run("json2", func(b *testing.B) {
		url := benchServer(b, "19.0")
		body, _ := json.Marshal(map[string]any{"domain": benchDomain, "fields": benchFields, "order": "id"})
		roundTrip(b, func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, url+"/json/2/res.partner/search_read", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "bearer "+adminKey)
			return r
		})
	})
}

// TestBenchDatasetIsServed checks the benchmark's premise: the domain
// matches exactly the 1,000 generated partners.
func TestBenchDatasetIsServed(t *testing.T) {
	t.Parallel()
	ds := fixture(t)
	for i := range 1000 {
		name := fmt.Sprintf("Partner %04d", i)
		if _, err := ds.Add("res.partner", rec("name", name, "complete_name", name, "active", true)); err != nil {
			t.Fatal(err)
		}
	}
	_, url := start(t, startOpts{version: "17.0", ds: ds})
	if n := mustExec(t, url, "res.partner", "search_count", list(benchDomain), nil); n != int64(1000) {
		t.Errorf("benchmark domain matches %v records", n)
	}
}
