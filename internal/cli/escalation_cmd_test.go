package cli

import (
	"context"
	"strings"
	"testing"
)

func TestEscalationCommand(t *testing.T) {
	t.Parallel()
	environ, s, conn := opsStore(t, []string{"root", "olga"}, nil)
	code, out, errOut := run(t, environ, "escalation", "create", "--name", "Cash ladder", "--repeat", "1",
		"--step", "after=15m roles=cfo channels=email", "--step", "after=30m users=olga channels=sms")
	if code != 0 || !strings.Contains(out, `Created escalation policy "Cash ladder"`) {
		t.Fatalf("create: %d %s %s", code, out, errOut)
	}
	pols, err := s.EscalationPolicyList(context.Background(), conn.ID)
	if err != nil || len(pols) != 1 || len(pols[0].Levels) != 2 || pols[0].Levels[0].Roles[0] != "cfo" || pols[0].Repeat != 1 {
		t.Fatalf("stored %+v %v", pols, err)
	}
	for _, bad := range [][]string{
		{"escalation", "create", "--name", "x", "--step", "users=nobody after=5m"},
		{"escalation", "create", "--name", "x", "--step", "roles=cfo"},
		{"escalation", "create", "--name", "x", "--step", "after=5m roles=pilot"},
		{"escalation", "create", "--name", "x"},
	} {
		if code, _, _ := run(t, environ, bad...); code == 0 {
			t.Errorf("%v succeeded", bad)
		}
	}
	if code, out, _ := run(t, environ, "escalation", "list"); code != 0 || !strings.Contains(out, "role cfo by email, wait 15m0s") {
		t.Fatalf("list: %d %s", code, out)
	}
	// Attached to priorities: a priority follows one policy at most.
	if code, out, errOut := run(t, environ, "escalation", "attach", "Cash ladder", "--priority", "critical,high"); code != 0 ||
		!strings.Contains(out, `Every critical, high alert whose rule has no policy now follows "Cash ladder"`) {
		t.Fatalf("attach: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run(t, environ, "escalation", "create", "--name", "Night", "--priority", "critical", "--step", "after=5m roles=ceo"); code == 0 ||
		!strings.Contains(errOut, `priority critical already follows policy "Cash ladder"`) {
		t.Fatalf("second critical policy: %d %s", code, errOut)
	}
	for _, bad := range [][]string{{"escalation", "attach", "Cash ladder", "--priority", "urgent"}, {"escalation", "attach", "Cash ladder"}} {
		if code, _, _ := run(t, environ, bad...); code == 0 {
			t.Errorf("%v succeeded", bad)
		}
	}
	if code, out, _ := run(t, environ, "escalation", "list"); code != 0 || !strings.Contains(out, "critical,high") {
		t.Fatalf("list with priorities: %d %s", code, out)
	}
	if code, out, _ := run(t, environ, "escalation", "attach", "Cash ladder", "--priority", "none"); code != 0 || !strings.Contains(out, "attached to no priority") {
		t.Fatalf("detach: %d %s", code, out)
	}
	if code, out, _ := run(t, environ, "escalation", "delete", "Cash ladder"); code != 0 || !strings.Contains(out, "no longer escalate") {
		t.Fatalf("delete: %d %s", code, out)
	}
	var n int
	if err := s.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE actor = 'user:cli' AND action LIKE 'escalation_policy.%'`).Scan(&n); err != nil || n != 4 {
		t.Errorf("audit entries %d %v, want created, attached, detached and deleted", n, err)
	}
}
