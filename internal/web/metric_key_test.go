package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// TestMetricAddresses: a metric page is addressed by words, the company
// as ?company= only when the connection has several, a customer's part by
// its name and id; the old addresses by stored key redirect to them.
func TestMetricAddresses(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	if err := f.store.OdooRecordUpsertMany(ctx, f.conn.ID, "res.partner", []store.OdooRecordParams{
		{OdooID: 1205, Active: true, Data: json.RawMessage(`{"id":1205,"name":"Alpen Industrieservice KG"}`)}}); err != nil {
		t.Fatal(err)
	}
	m, _ := json.Marshal(map[string]analysis.Metric{
		"finance.ar.overdue@2": {Name: "finance.ar.overdue", Value: 222, Unit: "USD", CompanyID: 2, Available: true},
		"finance.ar.overdue@1": {Name: "finance.ar.overdue", Value: 48734, Unit: "EUR", CompanyID: 1, Available: true},
		"finance.ar.partner.1205.overdue@1": {Name: "finance.ar.partner.1205.overdue", Value: 3456, Unit: "EUR", CompanyID: 1, Available: true,
			Refs: []analysis.Ref{{Model: "res.partner", IDs: []int64{1205}}}},
	})
	at := time.Now().UTC().Truncate(time.Second)
	if _, _, err := f.store.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: f.conn.ID, JobID: f.jobIDs["finance"],
		ScheduledAt: at, RunAt: at, Status: store.ResultSuccess, Metrics: m, Insights: json.RawMessage(`[]`)}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/analytics/finance/overdue-receivables":                                "48,734",
		"/analytics/finance/overdue-receivables?company=2":                      "222",
		"/analytics/finance/overdue-receivables/alpen-industrieservice-kg-1205": "3,456",
		// The page names the customer, not its id.
		"/analytics/finance/overdue-receivables/alpen-industrieservice-kg-1205?company=1": "<h1>Overdue receivables — Alpen Industrieservice KG</h1>",
		// The id decides: a renamed customer's old address still works.
		"/analytics/finance/overdue-receivables/alpen-gmbh-1205": "3,456",
	} {
		resp := f.do(t, store.RoleCFO, "GET", path, "")
		if body := readAll(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("%s: %d, want 200 with %s", path, resp.StatusCode, want)
		}
	}
	for old, want := range map[string]string{
		"/analytics/finance/metrics/finance.ar.overdue":                "/analytics/finance/overdue-receivables?company=1",
		"/analytics/finance/metrics/finance.ar.overdue@2":              "/analytics/finance/overdue-receivables?company=2",
		"/analytics/finance/metrics/finance.ar.partner.1205.overdue@1": "/analytics/finance/overdue-receivables/alpen-industrieservice-kg-1205?company=1",
	} {
		resp := f.do(t, store.RoleCFO, "GET", old, "")
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
			t.Errorf("%s: %d to %q, want 301 to %s", old, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
	for _, path := range []string{"/analytics/finance/metrics/finance.nothing", "/analytics/finance/nothing",
		"/analytics/finance/overdue-receivables/1206", "/analytics/finance/overdue-receivables/alpen"} {
		if resp := f.do(t, store.RoleCFO, "GET", path, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	if resp := f.do(t, store.RoleCFO, "GET", "/analytics/finance/overdue-receivables?company=x", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a company that is no id: %d", resp.StatusCode)
	}
	page := readAll(t, f.do(t, store.RoleCFO, "GET", "/analytics/finance", ""))
	for _, want := range []string{`href="/analytics/finance/overdue-receivables?company=2"`,
		`href="/analytics/finance/overdue-receivables/alpen-industrieservice-kg-1205?company=1">Overdue receivables — Alpen Industrieservice KG</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("area page lacks %s", want)
		}
	}
}

// TestMetricAddressOneCompany: with one company, no link names it.
func TestMetricAddressOneCompany(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	resp := f.do(t, store.RoleCFO, "GET", "/analytics/finance/metrics/finance.cash.position", "")
	resp.Body.Close()
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusMovedPermanently || got != "/analytics/finance/cash" {
		t.Errorf("old address: %d to %q", resp.StatusCode, got)
	}
	page := readAll(t, f.do(t, store.RoleCFO, "GET", "/analytics/finance", ""))
	if !strings.Contains(page, `href="/analytics/finance/cash"`) || !strings.Contains(page, `href="/analytics/finance/overdue-receivables/3"`) {
		t.Error("area page does not link its figures by words")
	}
}

func TestMultiCompany(t *testing.T) {
	for _, c := range []struct {
		companies []int64
		want      bool
	}{
		{nil, false},
		{[]int64{0, 0}, false},
		// A figure of no company (budgets) does not make a second company.
		{[]int64{0, 1, 1}, false},
		{[]int64{1, 0, 2}, true},
	} {
		var ms []metricJSON
		for _, id := range c.companies {
			ms = append(ms, metricJSON{CompanyID: id})
		}
		if got := multiCompany(ms); got != c.want {
			t.Errorf("multiCompany(%v) = %v, want %v", c.companies, got, c.want)
		}
	}
}
