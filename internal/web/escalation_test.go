package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/store"
)

// TestEscalationPolicies: an admin writes a two-step policy (people, then
// a role), sees it in words, attaches it to a rule in the rules editor and
// deletes it; each change is audited; a mistake is said on the form.
func TestEscalationPolicies(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	srv, err := New(Config{Store: f.store, Rules: alerts.New(f.store, alerts.Config{}), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()
	cfo := f.users[store.RoleCFO]

	bad := url.Values{"name": {"Cash ladder"}, "users0": {fmt.Sprint(cfo.ID)}}
	resp := f.form(t, store.RoleAdmin, "/settings/escalation", bad)
	if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "how many minutes to wait") {
		t.Fatalf("a step without its wait: %d", resp.StatusCode)
	}
	good := url.Values{"name": {"Cash ladder"}, "repeat": {"1"}, "users0": {fmt.Sprint(cfo.ID)}, "channels0": {"email"}, "minutes0": {"15"},
		"roles1": {store.RoleCEO}, "channels1": {"sms"}, "minutes1": {"30"}}
	if resp := f.form(t, store.RoleAdmin, "/settings/escalation", good); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	page := readAll(t, f.do(t, store.RoleAdmin, "GET", "/settings/escalation", ""))
	for _, want := range []string{"Cash ladder", "notify cfo-user", "every CEO", "then wait 30 minutes", "climbed 2 times"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	list := decode[policyList](t, f.do(t, store.RoleAdmin, "GET", "/api/v1/escalation-policies", ""))
	var pol policyView
	for _, p := range list.Data {
		if p.Name == "Cash ladder" {
			pol = p
		}
	}
	if len(pol.Levels) != 2 || pol.Levels[1].Roles[0] != store.RoleCEO || pol.Levels[0].Minutes != 15 {
		t.Fatalf("policy %+v", pol)
	}
	// The rules editor attaches it to a rule.
	rule := url.Values{"name": {"Runway watch"}, "source": {"metric"}, "expression": {"finance.cash.runway_days < threshold"}, "threshold": {"30"},
		"priority": {"high"}, "scope": {"org"}, "enabled": {"1"}, "escalation_policy": {fmt.Sprint(pol.ID)}, "do": {"save"}}
	if resp := f.form(t, store.RoleAdmin, "/rules", rule); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rule with escalation: %d %s", resp.StatusCode, readAll(t, resp))
	}
	r, err := f.store.AlertRuleByName(context.Background(), f.conn.ID, "Runway watch")
	if err != nil || r.EscalationPolicyID != pol.ID {
		t.Fatalf("rule %+v %v", r, err)
	}
	if page := readAll(t, f.do(t, store.RoleAdmin, "GET", "/settings/escalation", "")); !strings.Contains(page, "Used by: Runway watch") {
		t.Error("the policy does not list the rule using it")
	}
	if resp := f.form(t, store.RoleAdmin, fmt.Sprintf("/settings/escalation/%d/delete", pol.ID), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	var n int
	if err := f.store.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE subject = $1 AND actor = 'user:admin-user'`,
		fmt.Sprintf("escalation_policy:%d", pol.ID)).Scan(&n); err != nil || n != 2 {
		t.Errorf("audit entries of the policy: %d %v, want created and deleted", n, err)
	}
	if r, _ := f.store.AlertRuleByName(context.Background(), f.conn.ID, "Runway watch"); r.EscalationPolicyID != 0 {
		t.Error("the rule still escalates with a deleted policy")
	}
}

// TestAlertShowsItsEscalation: the alert page says where the alert is on
// its policy's ladder.
func TestAlertShowsItsEscalation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	pols, err := f.store.EscalationPolicyList(ctx, f.conn.ID)
	if err != nil || len(pols) == 0 {
		t.Fatalf("fixture policies: %v %v", pols, err)
	}
	id := f.alerts["finance"]
	if err := f.store.AlertAnnotate(ctx, id, store.AlertAnnotation{Subject: "x", EscalationPolicyID: pols[0].ID}); err != nil {
		t.Fatal(err)
	}
	page := readAll(t, f.do(t, store.RoleCFO, "GET", fmt.Sprintf("/alerts/%d", id), ""))
	if !strings.Contains(page, `id="escalation">`+pols[0].Name+`: starts with the first notification`) {
		t.Errorf("before any notification: the page does not say so")
	}
	next := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	if err := f.store.AlertSetEscalation(ctx, id, 0, 0, next); err != nil {
		t.Fatal(err)
	}
	page = readAll(t, f.do(t, store.RoleCFO, "GET", fmt.Sprintf("/alerts/%d", id), ""))
	if !strings.Contains(page, "step 1 of 1; the next step at 2030-01-02 03:04 UTC unless someone acknowledges it") {
		t.Errorf("escalating: the page does not say the step")
	}
}

// TestEscalationByPriority: a policy attached to a priority on the form is
// said on the page and in the API, a priority takes one policy, and the
// page of an alert of that priority whose rule has no policy shows the
// ladder with the step it is at.
func TestEscalationByPriority(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	srv, err := New(Config{Store: f.store, Rules: alerts.New(f.store, alerts.Config{}), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()
	ctx := context.Background()
	id := f.alerts["finance"]
	a, err := f.store.AlertGet(ctx, f.conn.ID, id)
	if err != nil || a.EscalationPolicyID != 0 {
		t.Fatalf("fixture alert %+v %v", a, err)
	}
	form := url.Values{"name": {"Night"}, "priorities": {a.Priority}, "roles0": {store.RoleCFO}, "channels0": {"email"}, "minutes0": {"10"},
		"roles1": {store.RoleCEO}, "channels1": {"sms"}, "minutes1": {"20"}}
	if resp := f.form(t, store.RoleAdmin, "/settings/escalation", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, readAll(t, resp))
	}
	page := readAll(t, f.do(t, store.RoleAdmin, "GET", "/settings/escalation", ""))
	if !strings.Contains(page, "Followed by every "+a.Priority+" alert whose rule has no policy.") {
		t.Error("the page does not say which priority follows the policy")
	}
	list := decode[policyList](t, f.do(t, store.RoleAdmin, "GET", "/api/v1/escalation-policies", ""))
	var pol policyView
	for _, p := range list.Data {
		if p.Name == "Night" {
			pol = p
		}
	}
	if len(pol.Priorities) != 1 || pol.Priorities[0] != a.Priority {
		t.Fatalf("API policy %+v", pol)
	}
	// The same priority on a second policy is refused, by the API too.
	body := `{"name": "Day", "priorities": ["` + a.Priority + `"], "levels": [{"roles": ["ceo"], "wait_minutes": 5}]}`
	resp := f.do(t, store.RoleAdmin, "POST", "/api/v1/escalation-policies", body)
	if msg := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, `already follows policy \"Night\"`) {
		t.Fatalf("second policy for %s: %d %s", a.Priority, resp.StatusCode, msg)
	}
	page = readAll(t, f.do(t, store.RoleCFO, "GET", fmt.Sprintf("/alerts/%d", id), ""))
	for _, want := range []string{`id="escalation">Night: starts with the first notification`, "the policy of every " + a.Priority + " alert whose rule has no policy",
		"notify every CFO by Email, then wait 10 minutes", "notify every CEO by SMS, then wait 20 minutes"} {
		if !strings.Contains(page, want) {
			t.Errorf("alert page lacks %q", want)
		}
	}
	if err := f.store.AlertSetEscalation(ctx, id, 1, 0, time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	page = readAll(t, f.do(t, store.RoleCFO, "GET", fmt.Sprintf("/alerts/%d", id), ""))
	if !strings.Contains(page, "step 2 of 2; the next step at 2030-01-02 03:04 UTC") || !strings.Contains(page, `<li aria-current="step">notify every CEO`) {
		t.Errorf("escalating: the page does not show step 2 as the current one")
	}
	var n int
	if err := f.store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE subject = $1 AND details LIKE '%priorities%'`,
		fmt.Sprintf("escalation_policy:%d", pol.ID)).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit entries with priorities: %d %v", n, err)
	}
}
