package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

func decode[T any](t *testing.T, resp *http.Response) T {
	t.Helper()
	defer resp.Body.Close()
	var v T
	if resp.StatusCode != 200 && resp.StatusCode != 202 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s: %d %s", resp.Request.URL, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAPIAlertsAndPagination(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	for i := range 5 {
		if _, _, err := f.store.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: f.conn.ID, Fingerprint: fmt.Sprintf("job-%d", i), Type: "job", Priority: store.PriorityLow, Title: "=HYPERLINK(\"x\")"}); err != nil {
			t.Fatal(err)
		}
	}
	// Sales sees its area and the area-less alerts, never finance.
	l := decode[listResponse[alertView]](t, f.do(t, store.RoleSales, "GET", "/api/v1/alerts?per_page=4", ""))
	if len(l.Data) != 4 || !l.Pagination.HasMore || l.Data[0].Type != "sales" {
		t.Fatalf("page 1: %+v", l)
	}
	l2 := decode[listResponse[alertView]](t, f.do(t, store.RoleSales, "GET", "/api/v1/alerts?per_page=4&page=2", ""))
	if len(l2.Data) != 2 || l2.Pagination.HasMore {
		t.Fatalf("page 2: %+v", l2)
	}
	for _, a := range append(l.Data, l2.Data...) {
		if a.Type == "finance" {
			t.Fatal("sales saw a finance alert")
		}
	}
	for _, bad := range []string{"?page=0", "?per_page=501", "?page=x", "?status=closed", "?priority=urgent", "?page=10000&per_page=500"} {
		resp := f.do(t, store.RoleAdmin, "GET", "/api/v1/alerts"+bad, "")
		if e := decodeError(t, resp); resp.StatusCode != 400 || e.Code != codeBadRequest || e.Message == "" {
			t.Errorf("%s: %d %+v", bad, resp.StatusCode, e)
		}
	}
	// Detail with records; an unsafe link is dropped.
	a := decode[alertView](t, f.do(t, store.RoleCFO, "GET", fmt.Sprintf("/api/v1/alerts/%d", f.alerts["finance"]), ""))
	if len(a.Refs) != 1 || !strings.HasPrefix(a.Refs[0].URL, "https://acme.odoo.com/") {
		t.Fatalf("detail: %+v", a)
	}
	if resp := f.do(t, store.RoleCFO, "GET", "/api/v1/alerts/99999", ""); resp.StatusCode != 404 || decodeError(t, resp).Code != codeNotFound {
		t.Fatal("unknown alert must be 404")
	}
	// Acknowledge, then the list shows the new state and an event is published.
	ch, cancel := f.broker.Subscribe(f.conn.ID)
	defer cancel()
	got := decode[alertView](t, f.do(t, store.RoleCFO, "POST", fmt.Sprintf("/api/v1/alerts/%d/acknowledge", f.alerts["finance"]), ""))
	if got.Status != store.AlertAcknowledged {
		t.Fatalf("after acknowledge: %+v", got)
	}
	select {
	case e := <-ch:
		if e.AlertID != f.alerts["finance"] || e.Status != store.AlertAcknowledged || e.Area != "finance" {
			t.Fatalf("event %+v", e)
		}
	default:
		t.Fatal("no event published")
	}
	for _, bad := range []string{`{"minutes": 0}`, `{"until": "2000-01-01T00:00:00Z"}`, `{"bogus": 1}`, `not json`} {
		resp := f.do(t, store.RoleCFO, "POST", fmt.Sprintf("/api/v1/alerts/%d/snooze", f.alerts["finance"]), bad)
		if e := decodeError(t, resp); resp.StatusCode != 400 {
			t.Errorf("snooze %s: %d %+v", bad, resp.StatusCode, e)
		}
	}
	// CSV export neutralises formulas.
	resp := f.do(t, store.RoleAdmin, "GET", "/api/v1/alerts?format=csv", "")
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("content type %q", ct)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || len(rows) != 1+7 || rows[0][0] != "id" {
		t.Fatalf("csv: %d rows %v", len(rows), err)
	}
	for _, r := range rows[1:] {
		if strings.HasPrefix(r[4], "=") {
			t.Fatalf("formula cell exported as is: %q", r[4])
		}
	}
}

func TestAPIAlertActionsWithoutImplementation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	f.server.cfg.AlertActions = nil
	f.server.cfg.Jobs = nil
	resp := f.do(t, store.RoleAdmin, "POST", fmt.Sprintf("/api/v1/alerts/%d/acknowledge", f.alerts["finance"]), "")
	if e := decodeError(t, resp); resp.StatusCode != 501 || e.Code != codeNotImplemented {
		t.Fatalf("%d %+v", resp.StatusCode, e)
	}
	resp = f.do(t, store.RoleAdmin, "POST", fmt.Sprintf("/api/v1/jobs/%d/run", f.jobIDs["finance"]), "")
	if e := decodeError(t, resp); resp.StatusCode != 501 || e.Code != codeNotImplemented {
		t.Fatalf("%d %+v", resp.StatusCode, e)
	}
}

func TestAPIJobsAnalysisSettings(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	fj := f.jobIDs["finance"]
	decode[map[string]any](t, f.do(t, store.RoleCFO, "POST", fmt.Sprintf("/api/v1/jobs/%d/run", fj), ""))
	if len(f.jobs.ran) == 0 || f.jobs.ran[len(f.jobs.ran)-1] != fj {
		t.Fatalf("run now did not reach the engine: %v", f.jobs.ran)
	}
	jobs := decode[listResponse[jobJSON]](t, f.do(t, store.RoleSales, "GET", "/api/v1/jobs", ""))
	if len(jobs.Data) != 1 || jobs.Data[0].Area != "sales" {
		t.Fatalf("sales jobs: %+v", jobs.Data)
	}
	res := decode[areaResult](t, f.do(t, store.RoleCFO, "GET", "/api/v1/analysis/finance", ""))
	if len(res.Metrics) != 2 || res.Metrics[1].Display != "1,234 EUR" || len(res.Insights) != 1 || res.Insights[0].Refs[0].URL != "https://acme.odoo.com/web#id=3&model=res.partner&view_type=form" {
		t.Fatalf("area result: %+v", res)
	}
	d := decode[metricDetail](t, f.do(t, store.RoleCFO, "GET", "/api/v1/analysis/finance/metrics/finance.cash.position", ""))
	if len(d.Records) != 2 || d.Records[1].URL != "https://acme.odoo.com/web#id=8&model=account.move&view_type=form" || len(d.History) != 1 || d.Href != "/analytics/finance/cash" {
		t.Fatalf("drill-down: %+v", d)
	}
	if resp := f.do(t, store.RoleCFO, "GET", "/api/v1/analysis/finance/metrics/nope", ""); resp.StatusCode != 404 {
		t.Fatalf("unknown metric: %d", resp.StatusCode)
	}
	if resp := f.do(t, store.RoleCFO, "GET", "/api/v1/analysis/hr", ""); resp.StatusCode != 404 {
		t.Fatalf("unknown area: %d", resp.StatusCode)
	}
	test := decode[map[string]any](t, f.do(t, store.RoleAdmin, "POST", "/api/v1/settings/connection/test", ""))
	if test["ok"] != true {
		t.Fatalf("connection test: %v", test)
	}
	ov := decode[overviewJSON](t, f.do(t, store.RoleSales, "GET", "/api/v1/overview", ""))
	for _, fig := range ov.Figures {
		if fig.Area != "sales" && fig.Area != "customers" {
			t.Fatalf("sales got a %s figure", fig.Area)
		}
	}
	if ov.OpenAlerts != 1 {
		t.Fatalf("sales open alerts = %d", ov.OpenAlerts)
	}
}

func TestPagesEscapeOdooText(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	for _, path := range []string{"/alerts", fmt.Sprintf("/alerts/%d", f.alerts["finance"]), "/analytics/finance", "/"} {
		resp := f.do(t, store.RoleAdmin, "GET", path, "")
		page := body(t, resp)
		if resp.StatusCode != 200 || strings.Contains(page, "<script>alert(1)") || strings.Contains(page, "<b>finance") || strings.Contains(page, "javascript:") {
			t.Errorf("%s: %d, Odoo text not escaped or unsafe link", path, resp.StatusCode)
		}
	}
}

func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	resp, err := http.Get(f.srv.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := decode[map[string]any](t, resp)
	paths := doc["paths"].(map[string]any)
	for _, rt := range f.server.routes() {
		if !rt.api {
			continue
		}
		op, ok := paths[rt.pattern].(map[string]any)[strings.ToLower(rt.method)]
		if !ok || op.(map[string]any)["summary"] == "" {
			t.Errorf("OpenAPI lacks %s %s", rt.method, rt.pattern)
		}
		if s := rt.doc.Schema; s != "" {
			if _, ok := doc["components"].(map[string]any)["schemas"].(map[string]any)[s]; !ok {
				t.Errorf("schema %s missing", s)
			}
		}
	}
	alert := doc["components"].(map[string]any)["schemas"].(map[string]any)["Alert"].(map[string]any)["properties"].(map[string]any)
	if _, ok := alert["refs"]; !ok {
		t.Errorf("Alert schema lacks refs: %v", alert)
	}
}

func TestLiveEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	open := func(role string) (*bufio.Reader, func()) {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/api/v1/events", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.tokens[role]})
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("events as %s: %v %v", role, resp, err)
		}
		r := bufio.NewReader(resp.Body)
		if line, _ := r.ReadString('\n'); line != ": connected\n" {
			t.Fatalf("first line %q", line)
		}
		return r, func() { cancel(); resp.Body.Close() }
	}
	cfo, closeCFO := open(store.RoleCFO)
	defer closeCFO()
	sales, closeSales := open(store.RoleSales)
	defer closeSales()
	for f.broker.Subscribers() < 2 {
		time.Sleep(time.Millisecond)
	}
	// A finance change reaches the CFO, not sales; a sales change reaches both.
	decode[alertView](t, f.do(t, store.RoleAdmin, "POST", fmt.Sprintf("/api/v1/alerts/%d/acknowledge", f.alerts["finance"]), ""))
	decode[alertView](t, f.do(t, store.RoleAdmin, "POST", fmt.Sprintf("/api/v1/alerts/%d/resolve", f.alerts["sales"]), ""))
	next := func(r *bufio.Reader) Event {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				var e Event
				if err := json.Unmarshal([]byte(data), &e); err != nil {
					t.Fatal(err)
				}
				return e
			}
		}
	}
	if e := next(cfo); e.Area != "finance" || e.Status != store.AlertAcknowledged {
		t.Fatalf("cfo first event %+v", e)
	}
	if e := next(cfo); e.Area != "sales" || e.Status != store.AlertResolved {
		t.Fatalf("cfo second event %+v", e)
	}
	if e := next(sales); e.Area != "sales" {
		t.Fatalf("sales saw %+v", e)
	}
}
