package web

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
)

// TestJobSchedulePage: an administrator changes the finance analysis's
// schedule from the Jobs page; one too frequent or not parsing is refused
// with the reason in the job's row; the scheduler is reloaded after a
// change, which is audited, and the next run shows at once.
func TestJobSchedulePage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	fj := f.jobIDs["finance"]
	path := fmt.Sprintf("/jobs/%d/schedule", fj)
	for _, tc := range []struct {
		schedule, enabled string
		code              int
		want              string
	}{
		{"@every 1m", "on", 400, "an analysis job (analysis.finance) may run at most every 5 minutes"},
		{"*/15 * * *", "on", 400, "expected 5 to 6 fields"},
		{"@every 15m", "on", 303, ""},
		{"@every 15m", "", 303, ""},
	} {
		resp, body := f.postForm(t, "admin", path, url.Values{"schedule": {tc.schedule}, "enabled": {tc.enabled}})
		if resp.StatusCode != tc.code || !strings.Contains(body, tc.want) {
			t.Fatalf("%s %q: %d, want %d and %q in %.1500s", tc.schedule, tc.enabled, resp.StatusCode, tc.code, tc.want, body)
		}
		if tc.code == 400 && !strings.Contains(body, `value="`+tc.schedule+`"`) {
			t.Errorf("the refused schedule %q is not kept in the form", tc.schedule)
		}
	}
	j, err := f.store.MonitoringJobByID(context.Background(), fj)
	if err != nil || j.Schedule != "@every 15m" || j.Enabled || !j.NextRunAt.IsZero() {
		t.Fatalf("job after the changes: %+v %v", j, err)
	}
	if f.jobs.reloaded != 2 {
		t.Errorf("the scheduler was reloaded %d times, want 2 (once per saved change)", f.jobs.reloaded)
	}
	resp, _ := f.postForm(t, "admin", path, url.Values{"schedule": {"@every 10m"}, "enabled": {"on"}})
	if resp.StatusCode != 303 {
		t.Fatalf("enable: %d", resp.StatusCode)
	}
	page := f.do(t, "admin", "GET", "/jobs?scheduled=finance", "")
	b, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if !strings.Contains(string(b), "Saved.") || !strings.Contains(string(b), "at most every 5 minutes") {
		t.Errorf("jobs page after saving lacks the notice or the minimum:\n%.3000s", b)
	}
	j, _ = f.store.MonitoringJobByID(context.Background(), fj)
	if j.NextRunAt.IsZero() || !strings.Contains(string(b), j.NextRunAt.UTC().Format("2006-01-02 15:04:05 UTC")) {
		t.Errorf("the next run %v is not shown", j.NextRunAt)
	}
	// Other roles see the schedule, not the form.
	page = f.do(t, "cfo", "GET", "/jobs", "")
	b, _ = io.ReadAll(page.Body)
	page.Body.Close()
	if strings.Contains(string(b), "/schedule") || !strings.Contains(string(b), "<code>@every 10m</code>") {
		t.Error("the CFO's jobs page shows a schedule form or lacks the schedule")
	}
}

func TestJobScheduleAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	path := fmt.Sprintf("/api/v1/jobs/%d/schedule", f.jobIDs["sales"])
	for _, tc := range []struct {
		body string
		code int
		want string
	}{
		{`{}`, 400, `Give \"schedule\", \"enabled\" or both.`},
		{`{"schedule": "@every 4m"}`, 400, "may run at most every 5 minutes"},
		{`{"schedule": "@every 30m"}`, 200, `"schedule":"@every 30m","enabled":true`},
		{`{"enabled": false}`, 200, `"schedule":"@every 30m","enabled":false`},
	} {
		resp := f.do(t, "admin", "POST", path, tc.body)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(string(b), tc.want) {
			t.Fatalf("%s: %d, want %d and %q in %s", tc.body, resp.StatusCode, tc.code, tc.want, b)
		}
	}
	var n int
	if err := f.store.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'job.schedule_changed' AND actor = 'user:admin-user'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d audit entries (%v), want 2", n, err)
	}
}
