package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/store"
)

// TestRulesEditor: a CFO writes a rule with a syntax error and sees why,
// fixes it, tests it against the latest results, saves it as their own;
// the CEO may not change it, an admin may; each change is audited.
func TestRulesEditor(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	// The real engine, over the fixture's store and its finance result
	// (finance.cash.position = 1234).
	srv, err := New(Config{Store: f.store, Rules: alerts.New(f.store, alerts.Config{}), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()

	rule := url.Values{"name": {"Cash above a thousand"}, "source": {"metric"}, "expression": {"finance.cash.position >"},
		"priority": {"high"}, "channels": {"in_app", "email"}, "scope": {"mine"}, "enabled": {"1"}}
	resp := f.form(t, store.RoleCFO, "/rules", rule)
	if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="rule-error"`) ||
		!strings.Contains(body, "Not saved:") || !strings.Contains(body, "finance.cash.position &gt;") {
		t.Fatalf("a syntax error: %d, want 422 with the reason inline and the input kept", resp.StatusCode)
	}

	rule.Set("expression", "finance.cash.position > threshold")
	rule.Set("threshold", "1,000")
	rule.Set("do", "test")
	resp = f.form(t, store.RoleCFO, "/rules", rule)
	if body := readAll(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(body, "It would raise 1 alert now") {
		t.Fatalf("test: %d %s", resp.StatusCode, body)
	}
	if n, _ := f.store.AlertRuleByName(context.Background(), f.conn.ID, "Cash above a thousand"); n != nil {
		t.Fatal("testing saved the rule")
	}

	rule.Set("do", "save")
	resp = f.form(t, store.RoleCFO, "/rules", rule)
	readAll(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	saved, err := f.store.AlertRuleByName(context.Background(), f.conn.ID, "Cash above a thousand")
	if err != nil || saved.UserID != f.users[store.RoleCFO].ID || saved.Threshold != 1000 || len(saved.Channels) != 2 || !saved.Enabled {
		t.Fatalf("saved %+v %v", saved, err)
	}
	list := readAll(t, f.do(t, store.RoleCFO, "GET", "/rules", ""))
	if !strings.Contains(list, fmt.Sprintf(`href="/rules/%d/edit"`, saved.ID)) || !strings.Contains(list, "cfo-user") {
		t.Error("the rules page lacks the owner or the edit link of the CFO's rule")
	}

	// The CEO may not touch the CFO's rule, nor write an org-wide one.
	if resp := f.do(t, store.RoleCEO, "GET", fmt.Sprintf("/rules/%d/edit", saved.ID), ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("ceo edits the cfo's rule: %d", resp.StatusCode)
	}
	if resp := f.do(t, store.RoleCEO, "POST", "/api/v1/rules", `{"name": "org", "source": "metric", "expression": "finance.cash.position > 1", "priority": "low", "scope": "org"}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("ceo writes an org-wide rule: %d", resp.StatusCode)
	}
	// An admin may change it through the API; it stays the CFO's.
	resp = f.do(t, store.RoleAdmin, "POST", fmt.Sprintf("/api/v1/rules/%d", saved.ID),
		`{"name": "Cash above a thousand", "source": "metric", "expression": "finance.cash.position > threshold", "threshold": 2000, "priority": "medium", "scope": "mine", "enabled": false}`)
	got := decode[ruleJSON](t, resp)
	if got.Threshold != 2000 || got.Priority != "medium" || got.Enabled {
		t.Fatalf("admin update: %+v", got)
	}
	if resp := f.do(t, store.RoleCFO, "DELETE", fmt.Sprintf("/api/v1/rules/%d", saved.ID), ""); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	rows, err := f.store.DB().QueryContext(context.Background(), `SELECT actor, action FROM audit_log WHERE subject = $1 ORDER BY seq`, fmt.Sprintf("alert_rule:%d", saved.ID))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var trail []string
	for rows.Next() {
		var actor, action string
		if err := rows.Scan(&actor, &action); err != nil {
			t.Fatal(err)
		}
		trail = append(trail, actor+" "+action)
	}
	want := "user:cfo-user rule.created, user:admin-user rule.updated, user:cfo-user rule.deleted"
	if strings.Join(trail, ", ") != want {
		t.Errorf("audit trail %q, want %q", strings.Join(trail, ", "), want)
	}
	// Built-in rules are not edited or deleted here.
	if !strings.Contains(readAll(t, f.do(t, store.RoleAdmin, "GET", "/rules/new", "")), "Figures a condition can use") {
		t.Error("the editor lacks the field help")
	}
}
