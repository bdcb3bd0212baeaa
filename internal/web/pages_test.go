package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/briefing"
	"github.com/aicoo/aicoo/internal/store"
)

// form posts a form as role without following redirects.
func (f *fixture) form(t *testing.T, role, path string, v url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.tokens[role]})
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// check asserts a status and that the body holds every want and none of
// the notWant strings.
func check(t *testing.T, name string, resp *http.Response, code int, want, notWant []string) string {
	t.Helper()
	b := readAll(t, resp)
	if resp.StatusCode != code {
		t.Errorf("%s: status %d, want %d; body: %.300s", name, resp.StatusCode, code, b)
	}
	for _, w := range want {
		if !strings.Contains(b, w) {
			t.Errorf("%s: body lacks %q; body: %.600s", name, w, b)
		}
	}
	for _, w := range notWant {
		if strings.Contains(b, w) {
			t.Errorf("%s: body must not contain %q", name, w)
		}
	}
	return b
}

func newGenerator(t *testing.T, s *store.Store) *briefing.Generator {
	t.Helper()
	g, err := briefing.New(briefing.Config{}, briefing.Options{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestBriefingPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	// The fixture's server was built before the store existed; build one
	// with the real briefing generator over the same store.
	srv, err := New(Config{Store: f.store, Briefings: newGenerator(t, f.store), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()
	admin := f.briefings["admin"]
	tests := []struct {
		name, role, method, path string
		code                     int
		want, notWant            []string
	}{
		{"today rendered", "admin", "GET", "/briefings", 200,
			[]string{"<h1>Briefing for admin</h1>", "<strong>1,234 EUR</strong>", `href="/briefings/`, "Archive"}, []string{"<script>alert(1)"}},
		{"archived one", "cfo", "GET", fmt.Sprintf("/briefings/%d", f.briefings["cfo"]), 200, []string{"<h1>Briefing for cfo</h1>"}, []string{"<script>alert(1)"}},
		{"someone else's", "cfo", "GET", fmt.Sprintf("/briefings/%d", admin), 403, []string{"someone else"}, []string{"Briefing for admin"}},
		{"missing", "cfo", "GET", "/briefings/99999", 404, nil, nil},
		{"bad id", "cfo", "GET", "/briefings/x", 400, []string{"positive whole number"}, nil},
		{"api today", "ops", "GET", "/api/v1/briefings/today", 200, []string{`"html":"\u003ch1\u003eBriefing for ops`, `"markdown":"# Briefing for ops`}, []string{`"pending"`, "\u003cscript\u003ealert"}},
		{"api list", "ops", "GET", "/api/v1/briefings", 200, []string{`"role":"ops"`, `"has_more":false`}, []string{"Briefing for admin"}},
		{"api one", "admin", "GET", fmt.Sprintf("/api/v1/briefings/%d", admin), 200, []string{`"insights_count":2`}, nil},
		{"api other", "ops", "GET", fmt.Sprintf("/api/v1/briefings/%d", admin), 403, []string{`"forbidden"`}, nil},
		{"api read", "admin", "POST", fmt.Sprintf("/api/v1/briefings/%d/read", admin), 200, []string{`"read_at":`}, nil},
		{"api bad page", "admin", "GET", "/api/v1/briefings?page=0", 400, []string{"page must be"}, nil},
	}
	for _, tt := range tests {
		check(t, tt.name, f.do(t, tt.role, tt.method, tt.path, ""), tt.code, tt.want, tt.notWant)
	}
	b, err := f.store.DailyBriefingByID(context.Background(), f.briefings["cfo"])
	if err != nil || b.ReadAt.IsZero() {
		t.Fatalf("opening a briefing must mark it read: %v %+v", err, b)
	}
}

func TestBriefingNotYetWritten(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	tomorrow := time.Now().UTC().AddDate(0, 0, 2).Truncate(24 * time.Hour)
	// A session that lasts until then.
	tok := auth.NewToken()
	if err := f.store.SessionCreate(context.Background(), store.Session{TokenHash: auth.TokenHash(tok), ConnectionID: f.conn.ID,
		UserID: f.users["sales"].ID, CreatedAt: time.Now(), ExpiresAt: tomorrow.Add(48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	f.tokens["sales"] = tok
	for _, tt := range []struct {
		name    string
		now     time.Time
		at      time.Duration
		gen     bool
		want    string
		wantAPI string
	}{
		{"before the hour", tomorrow.Add(3 * time.Hour), 0, true, "will be written at 06:00 (UTC)", `"pending":"Your briefing for today will be written at 06:00 (UTC).`},
		{"due", tomorrow.Add(10 * time.Hour), 0, true, "is due (06:00, UTC) and will be written within the next few minutes", `"date":"` + tomorrow.Format(time.DateOnly)},
		{"configured hour, no generator", tomorrow.Add(3 * time.Hour), 7*time.Hour + 30*time.Minute, false, "will be written at 07:30 (UTC)", `"pending":`},
	} {
		cfg := Config{Store: f.store, NowFunc: func() time.Time { return tt.now }, BriefingAt: tt.at, Version: "test"}
		if tt.gen {
			cfg.Briefings = newGenerator(t, f.store)
		}
		srv, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		f.srv.Config.Handler = srv.Handler()
		check(t, tt.name, f.do(t, "sales", "GET", "/briefings", ""), 200, []string{tt.want, fmt.Sprintf(`href="/briefings/%d"`, f.briefings["sales"])}, nil)
		check(t, tt.name+" api", f.do(t, "sales", "GET", "/api/v1/briefings/today", ""), 200, []string{tt.wantAPI}, []string{`"briefing":`})
	}
}

func TestBriefingWithoutRendererShowsText(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	check(t, "markdown as text", f.do(t, "admin", "GET", "/briefings", ""), 200,
		[]string{"<pre># Briefing for admin", "&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{"<script>alert(1)"})
}

func TestRulesPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	f.rules.firings = []alerts.Firing{{Subject: "company:1", Priority: "high", Title: "Runway <script>x</script> 40 days", Detail: "under 45"}}
	rid := f.ruleID
	tests := []struct {
		name, role, method, path string
		code                     int
		want, notWant            []string
	}{
		{"list admin", "admin", "GET", "/rules", 200, []string{"Thin &lt;b&gt;cash&lt;/b&gt;", "finance.cash.runway_days &lt; threshold", fmt.Sprintf(`action="/rules/%d/disable"`, rid), "Rules</a>"}, []string{"<b>cash"}},
		{"list viewer read-only", "viewer", "GET", "/rules", 200, []string{fmt.Sprintf(`href="/rules/%d/test"`, rid)}, []string{"/disable"}},
		{"nav hides rules from sales", "sales", "GET", "/alerts", 200, []string{`href="/actions"`, `href="/briefings"`}, []string{`href="/rules"`}},
		{"test page", "cfo", "GET", fmt.Sprintf("/rules/%d/test", rid), 200, []string{"would fire now", "Runway &lt;script&gt;x&lt;/script&gt; 40 days", "company:1"}, []string{"<script>x"}},
		{"test api", "ceo", "POST", fmt.Sprintf("/api/v1/rules/%d/test", rid), 200, []string{`"subject":"company:1"`, `"name":"Thin \u003cb\u003ecash`}, nil},
		{"test missing", "ceo", "POST", "/api/v1/rules/4242/test", 404, nil, nil},
		{"api list", "viewer", "GET", "/api/v1/rules", 200, []string{`"threshold":45`, `"enabled":true`}, nil},
		{"api disable", "admin", "POST", fmt.Sprintf("/api/v1/rules/%d/disable", rid), 200, []string{`"enabled":false`}, nil},
		{"api enable", "admin", "POST", fmt.Sprintf("/api/v1/rules/%d/enable", rid), 200, []string{`"enabled":true`}, nil},
		{"api enable missing", "admin", "POST", "/api/v1/rules/4242/enable", 404, nil, nil},
	}
	for _, tt := range tests {
		check(t, tt.name, f.do(t, tt.role, tt.method, tt.path, ""), tt.code, tt.want, tt.notWant)
	}

	resp := f.form(t, "admin", fmt.Sprintf("/rules/%d/disable", rid), nil)
	readAll(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rules?done=disabled" {
		t.Fatalf("disable form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if r, err := f.store.AlertRuleByID(context.Background(), rid); err != nil || r.Enabled {
		t.Fatalf("the rule must be disabled: %v %+v", err, r)
	}
	check(t, "notice", f.do(t, "admin", "GET", "/rules?done=disabled", ""), 200, []string{"The rule is disabled.", fmt.Sprintf(`action="/rules/%d/enable"`, rid)}, nil)

	// A rule that cannot be evaluated is reported, not a server error.
	f.rules.firings, f.rules.err = nil, errors.New("alerts: metric finance.cash.runway_days is not available")
	check(t, "test error page", f.do(t, "admin", "GET", fmt.Sprintf("/rules/%d/test", rid), ""), 200, []string{"could not be tested", "is not available"}, nil)
	check(t, "test error api", f.do(t, "admin", "POST", fmt.Sprintf("/api/v1/rules/%d/test", rid), ""), 422, []string{`"rule_error"`, "is not available"}, nil)
}

func TestPagesWithoutServices(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	srv, err := New(Config{Store: f.store, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()
	pr := f.actionIDs["payment_reminder"]
	for _, tt := range []struct {
		name, method, path string
		code               int
		want, notWant      []string
	}{
		{"rules read-only", "GET", "/rules", 200, []string{"Thin &lt;b&gt;cash"}, []string{"/disable", "/test"}},
		{"rule enable", "POST", fmt.Sprintf("/api/v1/rules/%d/enable", f.ruleID), 501, []string{"not_implemented"}, nil},
		{"rule test", "POST", fmt.Sprintf("/api/v1/rules/%d/test", f.ruleID), 501, []string{"not_implemented"}, nil},
		{"actions read-only", "GET", "/actions", 200, []string{"read-only", "Policies are not available"}, []string{`/approve"`}},
		{"approve", "POST", fmt.Sprintf("/api/v1/actions/%d/approve", pr), 501, []string{"not_implemented"}, nil},
		{"policies", "GET", "/api/v1/actions/policies", 501, []string{"not_implemented"}, nil},
	} {
		check(t, tt.name, f.do(t, "admin", tt.method, tt.path, ""), tt.code, tt.want, tt.notWant)
	}
}

func TestActionsPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	pr, dm := f.actionIDs["payment_reminder"], f.actionIDs["deal_meeting"]
	tests := []struct {
		name, role, method, path, body string
		code                           int
		want, notWant                  []string
	}{
		{"cfo sees the reminder with its evidence", "cfo", "GET", "/actions", "", 200,
			[]string{"Do payment_reminder &lt;img src=x&gt;", "Because &lt;b&gt;overdue&lt;/b&gt;", `href="https://acme.odoo.com/web#id=3&amp;model=res.partner&amp;view_type=form"`, "Residual: 1,200",
				fmt.Sprintf(`action="/actions/%d/approve"`, pr), fmt.Sprintf(`action="/actions/%d/reject"`, pr), "Policy per action type", "Payment reminder to the customer"},
			[]string{"javascript:", "<img src=x>", fmt.Sprintf(`action="/actions/%d/approve"`, dm), `action="/actions/policies"`}},
		{"sales sees the meeting only", "sales", "GET", "/actions", "", 200, []string{fmt.Sprintf(`action="/actions/%d/approve"`, dm)}, []string{"Do &#34;Payment reminder to the customer&#34;", "Do payment_reminder"}},
		{"viewer sees both, decides nothing", "viewer", "GET", "/actions", "", 200, []string{"Do &#34;Payment reminder to the customer&#34;", "Do &#34;Meeting for a stalled high-value deal&#34;"}, []string{`/approve"`}},
		{"admin edits policies", "admin", "GET", "/actions", "", 200, []string{`action="/actions/policies"`, `id="mode-payment_reminder"`}, nil},
		{"bad status", "admin", "GET", "/actions?status=weird", "", 400, []string{"status must be"}, nil},
		{"executed list empty", "admin", "GET", "/actions?status=executed", "", 200, []string{"No executed actions."}, nil},
		{"api list", "cfo", "GET", "/api/v1/actions", "", 200, []string{`"type":"payment_reminder"`, `"can_decide":true`, `"type":"deal_meeting"`, `"can_decide":false`}, []string{"javascript:"}},
		{"api one", "viewer", "GET", fmt.Sprintf("/api/v1/actions/%d", dm), "", 200, []string{`"can_decide":false`, `"reasoning":"Because \u003cb\u003eoverdue`}, nil},
		{"api approve", "cfo", "POST", fmt.Sprintf("/api/v1/actions/%d/approve", pr), "", 200, []string{`"id":`}, nil},
		{"api reject needs a reason", "cfo", "POST", fmt.Sprintf("/api/v1/actions/%d/reject", pr), "", 400, []string{"needs a reason"}, nil},
		{"api reject", "cfo", "POST", fmt.Sprintf("/api/v1/actions/%d/reject", pr), `{"reason":"paid by phone"}`, 200, nil, nil},
		{"api reject bad body", "cfo", "POST", fmt.Sprintf("/api/v1/actions/%d/reject", pr), `{"why":1}`, 400, []string{"unknown field"}, nil},
		{"api missing", "cfo", "POST", "/api/v1/actions/4242/approve", "", 404, nil, nil},
		{"api bulk", "ceo", "POST", "/api/v1/actions/approve-similar", `{"group":"deal_meeting:kind"}`, 200, []string{fmt.Sprintf(`"approved":[%d]`, dm)}, nil},
		{"api bulk needs group", "ceo", "POST", "/api/v1/actions/approve-similar", `{}`, 400, []string{"name the group"}, nil},
		{"api policies", "sales", "GET", "/api/v1/actions/policies", "", 200, []string{`"type":"followup_activity","mode":"auto"`, `"ceiling":"approve"`, `"default":true`}, nil},
		{"api policy above ceiling", "admin", "POST", "/api/v1/actions/policies", `{"type":"payment_reminder","mode":"auto"}`, 400, []string{"at most"}, nil},
		{"api policy", "admin", "POST", "/api/v1/actions/policies", `{"type":"draft_rfq","mode":"never","max_per_day":3}`, 200, []string{`"type":"draft_rfq","mode":"never","max_amount":0,"max_per_day":3`}, nil},
		{"api policy no type", "admin", "POST", "/api/v1/actions/policies", `{"mode":"never"}`, 400, []string{"policy object"}, nil},
	}
	for _, tt := range tests {
		check(t, tt.name, f.do(t, tt.role, tt.method, tt.path, tt.body), tt.code, tt.want, tt.notWant)
	}
	calls := f.actions.Calls()
	for _, want := range []string{fmt.Sprintf("approve %d by cfo-user", pr), fmt.Sprintf("reject(paid by phone) %d by cfo-user", pr),
		"approve-similar deal_meeting:kind by ceo-user", "policy draft_rfq=never by admin-user"} {
		if !slices.Contains(calls, want) {
			t.Errorf("the action service was not called with %q; calls: %q", want, calls)
		}
	}

	forms := []struct {
		name, role, path string
		form             url.Values
		code             int
		location         string
	}{
		{"approve", "ceo", fmt.Sprintf("/actions/%d/approve", pr), nil, 303, "/actions?done=approved"},
		{"reject without reason", "ceo", fmt.Sprintf("/actions/%d/reject", pr), nil, 400, ""},
		{"reject", "ceo", fmt.Sprintf("/actions/%d/reject", pr), url.Values{"reason": {"duplicate"}}, 303, "/actions?done=rejected"},
		{"rollback", "admin", fmt.Sprintf("/actions/%d/rollback", dm), nil, 303, "/actions?done=rolled_back"},
		{"ops may not approve a reminder", "ops", fmt.Sprintf("/actions/%d/approve", pr), nil, 403, ""},
		{"bulk", "cfo", "/actions/approve-similar", url.Values{"group": {"payment_reminder:kind"}}, 303, "/actions?done=bulk&approved=1&expired=0&skipped=0"},
		{"policy", "admin", "/actions/policies", url.Values{"type": {"chatter_note"}, "mode": {"approve"}, "max_per_day": {"4"}, "max_amount": {"250.5"}}, 303, "/actions?done=policy"},
		{"policy bad number", "admin", "/actions/policies", url.Values{"type": {"chatter_note"}, "mode": {"approve"}, "max_per_day": {"four"}}, 400, ""},
		{"policy unknown type", "admin", "/actions/policies", url.Values{"type": {"wire_money"}, "mode": {"auto"}}, 400, ""},
		{"policy bad zone", "admin", "/actions/policies", url.Values{"type": {"chatter_note"}, "mode": {"approve"}, "timezone": {"Mars/Base"}}, 400, ""},
	}
	for _, tt := range forms {
		resp := f.form(t, tt.role, tt.path, tt.form)
		readAll(t, resp)
		if resp.StatusCode != tt.code || resp.Header.Get("Location") != tt.location {
			t.Errorf("%s: %d %q, want %d %q", tt.name, resp.StatusCode, resp.Header.Get("Location"), tt.code, tt.location)
		}
	}
	check(t, "policy shown", f.do(t, "cfo", "GET", "/actions", ""), 200, []string{`id="policy-chatter_note"`, "amount ≤ 250.5; 4/day;", "Policy: approve"}, nil)
	check(t, "bulk notice", f.do(t, "cfo", "GET", "/actions?done=bulk&approved=3&expired=1&skipped=0", ""), 200,
		[]string{"Approved 3 similar actions; 1 expired because their facts no longer hold; 0 skipped."}, nil)
	check(t, "unknown notice", f.do(t, "cfo", "GET", "/actions?done=<b>x</b>", ""), 200, nil, []string{"<b>x</b>", `class="notice"`})

	// Errors of the service map to statuses.
	for _, tt := range []struct {
		err  error
		code int
	}{
		{fmt.Errorf("%w: invoice paid", actions.ErrStale), 409},
		{fmt.Errorf("%w: action is rejected", actions.ErrNotPending), 409},
		{fmt.Errorf("%w: changed in Odoo", actions.ErrRollbackRefused), 409},
		{fmt.Errorf("%w: policy is never", actions.ErrBlocked), 409},
		{errors.New("odoo down"), 500},
	} {
		f.actions.err = tt.err
		resp := f.do(t, "cfo", "POST", fmt.Sprintf("/api/v1/actions/%d/rollback", pr), "")
		b := readAll(t, resp)
		if resp.StatusCode != tt.code || (tt.code == 409 && !strings.Contains(b, strings.TrimPrefix(tt.err.Error(), "actions: "))) {
			t.Errorf("%v: %d %s, want %d with the reason", tt.err, resp.StatusCode, b, tt.code)
		}
		if tt.code == 500 && strings.Contains(b, "odoo down") {
			t.Errorf("a server error must not leak its text: %s", b)
		}
	}
	f.actions.err = nil
}

func TestOpenAPIListsNewEndpoints(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	resp := f.do(t, "", "GET", "/api/openapi.json", "")
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(readAll(t, resp)), &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/v1/briefings/today", "/api/v1/rules/{id}/test", "/api/v1/actions/{id}/approve", "/api/v1/actions/policies"} {
		if doc.Paths[p] == nil {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}
}

// TestActionsWithRealService drives the approval center through the real
// actions.Service (no Odoo needed for rejections, rollback refusals and
// policies): its role checks, status rules and audit entries hold.
func TestActionsWithRealService(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	svc, err := actions.New(actions.Config{Store: f.store, OdooFunc: func(context.Context, int64) (actions.Odoo, error) {
		return nil, errors.New("no Odoo in this test")
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: f.store, Actions: svc, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()
	pr := f.actionIDs["payment_reminder"]
	for _, tt := range []struct {
		name, role, method, path, body string
		code                           int
		want                           []string
	}{
		{"policies", "viewer", "GET", "/api/v1/actions/policies", "", 200, []string{`"type":"draft_rfq","mode":"approve"`, `"default":true`}},
		{"rollback of a pending action is refused", "cfo", "POST", fmt.Sprintf("/api/v1/actions/%d/rollback", pr), "", 409, []string{"not executed"}},
		{"reject", "cfo", "POST", fmt.Sprintf("/api/v1/actions/%d/reject", pr), `{"reason":"customer paid by phone"}`, 200, []string{`"status":"rejected"`, `"status_reason":"customer paid by phone"`}},
		{"reject twice", "ceo", "POST", fmt.Sprintf("/api/v1/actions/%d/reject", pr), `{"reason":"again"}`, 409, []string{"not waiting for approval"}},
		{"rejected list", "cfo", "GET", "/api/v1/actions?status=closed", "", 200, []string{`"status":"rejected"`}},
		{"policy above the ceiling", "admin", "POST", "/api/v1/actions/policies", `{"type":"payment_reminder","mode":"auto"}`, 400, []string{"at most"}},
		{"policy", "admin", "POST", "/api/v1/actions/policies", `{"type":"draft_rfq","mode":"never"}`, 200, []string{`"type":"draft_rfq","mode":"never"`}},
		{"policy page", "cfo", "GET", "/actions", "", 200, []string{`id="policy-draft_rfq"`, "Draft purchase order"}},
	} {
		check(t, tt.name, f.do(t, tt.role, tt.method, tt.path, tt.body), tt.code, tt.want, nil)
	}
	res, err := f.store.AuditVerify(context.Background(), f.conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.BrokenAt != 0 || res.Entries < 2 {
		t.Fatalf("the rejection and the policy change must be audited in an intact chain: %+v", res)
	}
}

// TestRulesWithRealEngine tests a stored rule through the real alerts
// engine: "what would fire now" on the latest result, and disabling.
func TestRulesWithRealEngine(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	j, err := f.store.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: f.conn.ID, Name: "finance-2", Schedule: "@hourly",
		AnalyzerType: "analysis.finance", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	out, err := analysis.Outcome(&analysis.Result{Area: "finance",
		Metrics: []analysis.Metric{{Name: "finance.cash.runway_days", Value: 30, CompanyID: 1, Available: true}}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	if _, _, err := f.store.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: f.conn.ID, JobID: j.ID, ScheduledAt: now, RunAt: now,
		Status: store.ResultSuccess, Insights: out.Insights, Metrics: out.Metrics}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: f.store, Rules: alerts.New(f.store, alerts.Config{}), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()
	resp := f.do(t, "viewer", "POST", fmt.Sprintf("/api/v1/rules/%d/test", f.ruleID), "")
	b := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(b, `"subject":"res.company:1"`) {
		t.Fatalf("rule test through the engine: %d %s", resp.StatusCode, b)
	}
	check(t, "disable", f.do(t, "admin", "POST", fmt.Sprintf("/api/v1/rules/%d/disable", f.ruleID), ""), 200, []string{`"enabled":false`}, nil)
	if open, _ := f.store.AlertList(ctx, store.AlertListParams{ConnectionID: f.conn.ID, OpenOnly: true}); len(open) != 2 {
		t.Fatalf("a test must not raise alerts: %d open, want the fixture's 2", len(open))
	}
}
