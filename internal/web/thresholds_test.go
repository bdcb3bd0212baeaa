package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// seedInvoices stores three posted customer invoices 50, 70 and 100 days
// overdue on today, as a sync would.
func seedInvoices(t *testing.T, s *store.Store, connID int64, today time.Time) {
	t.Helper()
	ctx := context.Background()
	var recs []store.OdooRecordParams
	for i, days := range []int{50, 70, 100} {
		id := int64(i + 1)
		due := today.AddDate(0, 0, -days).Format("2006-01-02")
		recs = append(recs, store.OdooRecordParams{OdooID: id, WriteDate: today, Active: true, Data: json.RawMessage(fmt.Sprintf(
			`{"id":%d,"name":"INV/%d","move_type":"out_invoice","state":"posted","company_id":[1,"Acme"],"partner_id":[7,"Azure"],`+
				`"invoice_date":%q,"invoice_date_due":%q,"date":%q,"amount_residual":100,"amount_residual_signed":100,"amount_total_signed":100}`,
			id, id, due, due, due))})
	}
	if err := s.OdooRecordUpsertMany(ctx, connID, "account.move", recs); err != nil {
		t.Fatal(err)
	}
	if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: connID, Model: "account.move", Status: store.OdooSyncOK, RecordCount: 3}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) postForm(t *testing.T, role, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.tokens[role]})
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestThresholdsPage: a CFO previews a lower overdue threshold on the
// synced invoices, is refused an out-of-range value with the reason, saves,
// and the change is stored and audited; Operations may not change finance.
func TestThresholdsPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	seedInvoices(t, f.store, f.conn.ID, time.Now().UTC())
	key := "finance.overdue_days"
	for _, tc := range []struct {
		role, action, value string
		code                int
		want                string
	}{
		{"cfo", "preview", "45", 200, "With 45 instead of 60, 1 more finance finding (4 instead of 3)."},
		{"cfo", "preview", "80", 200, "With 80 instead of 60, 1 fewer finance finding (2 instead of 3)."},
		{"cfo", "save", "0", 400, "finance.overdue_days must be between 1 and 3650 days, not 0"},
		{"cfo", "save", "soon", 400, "Enter a number for finance.overdue_days, not &#34;soon&#34;."},
		{"ops", "save", "45", 403, "may not change finance thresholds"},
		{"cfo", "save", "45", 303, ""},
	} {
		resp, body := f.postForm(t, tc.role, "/settings/thresholds/"+key, url.Values{"action": {tc.action}, "value": {tc.value}})
		if resp.StatusCode != tc.code || !strings.Contains(body, tc.want) {
			t.Fatalf("%s %s %s: %d, want %d and %q in:\n%.2000s", tc.role, tc.action, tc.value, resp.StatusCode, tc.code, tc.want, body)
		}
	}
	resp := f.do(t, "cfo", "GET", "/settings/thresholds?saved="+key, "")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	for _, want := range []string{"Saved; the next analysis uses it.", `id="t-finance.overdue_days" class="current"`, "45 days<br><span class=\"muted\">changed</span>", "Reset to 60"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The sales role sees neither the finance thresholds nor their forms.
	resp = f.do(t, "sales", "GET", "/settings/thresholds", "")
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(b), "finance.overdue_days") || !strings.Contains(string(b), "sales.stall_factor") {
		t.Error("the sales role's page shows finance thresholds or lacks its own")
	}
	var action, subject, details string
	if err := f.store.DB().QueryRowContext(context.Background(), `SELECT action, subject, details FROM audit_log WHERE connection_id = $1 AND actor = $2`,
		f.conn.ID, "user:cfo-user").Scan(&action, &subject, &details); err != nil {
		t.Fatal(err)
	}
	if action != "settings.threshold_changed" || subject != "threshold:"+key || !strings.Contains(details, `"to":45`) {
		t.Errorf("audit: %s %s %s", action, subject, details)
	}
	// Reset from the page.
	if resp, _ := f.postForm(t, "cfo", "/settings/thresholds/"+key, url.Values{"action": {"reset"}}); resp.StatusCode != 303 {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	j, err := f.store.MonitoringJobByID(context.Background(), f.jobIDs["finance"])
	if err != nil || string(j.Config) != "{}" {
		t.Fatalf("job config after reset: %s %v", j.Config, err)
	}
}

// TestThresholdsAPI: set, preview and reset through the API, with the
// error codes of a bad value, an unknown key and another area.
func TestThresholdsAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	seedInvoices(t, f.store, f.conn.ID, time.Now().UTC())
	base := "/api/v1/settings/thresholds/"
	for _, tc := range []struct {
		role, method, path, body string
		code                     int
		want                     string
	}{
		{"cfo", "POST", base + "finance.overdue_days/preview", `{"value": 45}`, 200, `"findings_with_proposed":4`},
		{"cfo", "POST", base + "finance.overdue_days", `{"value": 4000}`, 400, "must be between 1 and 3650 days"},
		{"cfo", "POST", base + "finance.overdue_days", `{}`, 400, `Want {\"value\": number}`},
		{"cfo", "POST", base + "finance.nope", `{"value": 4}`, 404, "There is no threshold"},
		{"ops", "POST", base + "finance.overdue_days", `{"value": 45}`, 403, "may not change finance thresholds"},
		{"cfo", "POST", base + "finance.overdue_days", `{"value": 45}`, 200, `"value":45`},
		{"cfo", "GET", "/api/v1/settings/thresholds", "", 200, `"key":"finance.overdue_days","area":"finance","value":45,"set":true`},
		{"cfo", "POST", base + "finance.overdue_days/reset", "", 200, `"value":60,"set":false`},
	} {
		resp := f.do(t, tc.role, tc.method, tc.path, tc.body)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(string(b), tc.want) {
			t.Fatalf("%s %s %s: %d, want %d and %q in %.1500s", tc.role, tc.method, tc.path, resp.StatusCode, tc.code, tc.want, b)
		}
	}
}
