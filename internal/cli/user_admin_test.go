package cli

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestUserChangesFromCLIFollowTheDashboardsRules: the command line keeps the
// last enabled administrator, as the dashboard does, and writes every user
// change, and every API token made or revoked, to the audit log.
func TestUserChangesFromCLIFollowTheDashboardsRules(t *testing.T) {
	t.Parallel()
	env, s, conn := opsStore(t, []string{"root", "olga"}, nil)
	runSteps(t, env, []cliStep{
		{[]string{"user", "disable", "root"}, 1, `root is the only enabled administrator of "default"`},
		{[]string{"user", "disable", "olga"}, 0, "user olga disabled"},
		{[]string{"user", "enable", "olga"}, 0, "user olga enabled"},
		{[]string{"user", "add", "pat", "--role", "admin"}, 0, "user pat (admin) created"},
		{[]string{"user", "disable", "root"}, 0, "user root disabled"},
		{[]string{"user", "set-phone", "pat", "+32470123456"}, 0, "phone number of pat set"},
		{[]string{"user", "reset-password", "pat"}, 0, "password of pat changed"},
		{[]string{"token", "create", "--user", "pat", "--name", "ci"}, 0, `token "ci" for pat`},
		{[]string{"token", "revoke", "--user", "pat", "--name", "ci"}, 0, `token "ci" of pat revoked`},
		{[]string{"token", "revoke", "--user", "pat", "--name", "ci"}, 1, `pat has no live token named "ci"`},
	})
	rows, err := s.DB().QueryContext(context.Background(), `SELECT actor, action, subject, details FROM audit_log WHERE connection_id = $1 ORDER BY seq`, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var actor, action, subject, details string
		if err := rows.Scan(&actor, &action, &subject, &details); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(details, "+32470123456") {
			t.Errorf("%s: the audit entry holds the phone number: %s", action, details)
		}
		got = append(got, actor+" "+action+" "+subject)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"cli user.disabled user:olga", "cli user.enabled user:olga", "cli user.created user:pat",
		"cli user.disabled user:root", "cli user.phone_changed user:pat", "cli user.password_reset user:pat",
		"cli token.created user:pat", "cli token.revoked user:pat",
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit log:\n got %q\nwant %q", got, want)
	}
	if res, err := s.AuditVerify(context.Background(), conn.ID); err != nil || res.BrokenAt != 0 || res.Entries != int64(len(want)) {
		t.Errorf("audit chain: %+v, %v", res, err)
	}
}
