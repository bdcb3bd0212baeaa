package cli

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/store"
)

// TestJSONOutput runs every listing and showing command with --json and
// reads the documented fields back (docs/cli.md).
func TestJSONOutput(t *testing.T) {
	t.Parallel()
	var alertID int64
	env, _, _ := opsStore(t, []string{"root", "olga"}, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		a, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: conn.ID, Fingerprint: "f", Type: "overdue_invoice", Priority: "high", Title: "Invoice 7 overdue"})
		if err != nil {
			t.Fatal(err)
		}
		alertID = a.ID
		if _, err := alerts.EnsureBuiltinRules(ctx, s, conn.ID); err != nil {
			t.Fatal(err)
		}
	})
	runSteps(t, env, []cliStep{
		{[]string{"alerts", "ack", strconv.FormatInt(alertID, 10), "--note", "on it"}, 0, "acknowledged by root"},
		{[]string{"token", "create", "--user", "olga", "--name", "ci"}, 0, "aicoo_"},
	})
	decode := func(args []string, v any) {
		t.Helper()
		code, out, errOut := run(t, env, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	var list []alertJSON
	decode([]string{"alerts", "list", "--json"}, &list)
	if len(list) != 1 || list[0].ID != alertID || list[0].Status != "acknowledged" || list[0].AcknowledgedAt == nil || list[0].ResolvedAt != nil {
		t.Errorf("alerts list: %+v", list)
	}
	var one alertJSON
	decode([]string{"alerts", "show", strconv.FormatInt(alertID, 10), "--json"}, &one)
	if one.Title != "Invoice 7 overdue" || len(one.Events) == 0 || one.Events[len(one.Events)-1].Note != "on it" {
		t.Errorf("alerts show: %+v", one)
	}
	var none []alertJSON
	decode([]string{"alerts", "list", "--json", "--priority", "low"}, &none)
	if none == nil || len(none) != 0 {
		t.Errorf("an empty list is [], got %#v", none)
	}
	var rules []ruleJSON
	decode([]string{"rules", "list", "--json"}, &rules)
	if len(rules) == 0 || rules[0].Name == "" || rules[0].Builtin == "" {
		t.Errorf("rules list: %+v", rules)
	}
	var rule ruleJSON
	decode([]string{"rules", "show", rules[0].Name, "--json"}, &rule)
	if rule.Name != rules[0].Name || rule.Labels == nil || rule.Channels == nil {
		t.Errorf("rules show: %+v", rule)
	}
	var users []userJSON
	decode([]string{"user", "list", "--json"}, &users)
	if len(users) != 2 || users[0].Username != "olga" && users[0].Username != "root" {
		t.Errorf("user list: %+v", users)
	}
	var toks []tokenJSON
	decode([]string{"token", "list", "--user", "olga", "--json"}, &toks)
	if len(toks) != 1 || toks[0].Name != "ci" || toks[0].CreatedAt == nil || toks[0].RevokedAt != nil {
		t.Errorf("token list: %+v", toks)
	}
	var dead []deadLetterJSON
	decode([]string{"notify", "dead-letters", "--json"}, &dead)
	if dead == nil || len(dead) != 0 {
		t.Errorf("dead letters: %#v", dead)
	}
	var audit auditJSON
	decode([]string{"audit", "verify", "--json"}, &audit)
	if !audit.Intact || audit.BrokenAt != 0 {
		t.Errorf("audit: %+v", audit)
	}
	var cfg map[string]map[string]any
	decode([]string{"config", "--json"}, &cfg)
	if cfg["store"]["data_dir"] == "" || cfg["server"]["addr"] != "127.0.0.1:8080" {
		t.Errorf("config: %v", cfg)
	}
	var keys []map[string]any
	decode([]string{"config", "--keys", "--json"}, &keys)
	if len(keys) < 20 || keys[0]["key"] != "server.addr" {
		t.Errorf("config --keys: %v", keys[:1])
	}
}
