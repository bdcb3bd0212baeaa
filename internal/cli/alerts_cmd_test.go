package cli

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// opsStore makes a data directory with the "default" connection and the
// users named (the first an admin, the others ops), lets setup add what the
// test needs, and returns the environment for the commands with the store
// still open for checks.
func opsStore(t *testing.T, users []string, setup func(ctx context.Context, s *store.Store, conn *store.Connection)) ([]string, *store.Store, *store.Connection) {
	t.Helper()
	env := []string{"AICOO_STORE_DATA_DIR=" + t.TempDir()}
	ctx := context.Background()
	cfg, err := config.Load("", env)
	if err != nil {
		t.Fatal(err)
	}
	s, err := openStore(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "default"})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range users {
		role := store.RoleOps
		if i == 0 {
			role = store.RoleAdmin
		}
		if _, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: u, Email: u + "@example.com", Role: role, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if setup != nil {
		setup(ctx, s, conn)
	}
	return env, s, conn
}

type cliStep struct {
	args []string
	code int
	want string // in stdout+stderr
}

func runSteps(t *testing.T, env []string, steps []cliStep) {
	t.Helper()
	for _, st := range steps {
		code, out, errOut := run(t, env, st.args...)
		if code != st.code || !strings.Contains(out+errOut, st.want) {
			t.Fatalf("%v: exit %d (want %d), output lacks %q:\n%s%s", st.args, code, st.code, st.want, out, errOut)
		}
	}
}

func TestAlertsCommand(t *testing.T) {
	t.Parallel()
	var ids []int64
	env, s, conn := opsStore(t, []string{"root", "olga"}, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		for _, a := range []store.AlertRaiseParams{
			{Fingerprint: "insight:low_cash_runway:company", Type: "low_cash_runway", Priority: "critical", Title: "Cash runway 20 days"},
			{Fingerprint: "insight:stalled_deal:7", Type: "stalled_deal", Priority: "medium", Title: "Deal 7 stalled"},
			{Fingerprint: "insight:churn_risk:3", Type: "churn_risk", Priority: "high", Title: "Customer 3 may churn"},
		} {
			a.ConnectionID = conn.ID
			al, _, err := s.AlertRaise(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, al.ID)
		}
	})
	id := func(i int) string { return strconv.FormatInt(ids[i], 10) }
	runSteps(t, env, []cliStep{
		{[]string{"alerts", "list"}, 0, "Cash runway 20 days"},
		{[]string{"alerts", "list", "--priority", "medium"}, 0, "Deal 7 stalled"},
		{[]string{"alerts", "list", "--priority", "urgent"}, 1, `--priority "urgent": want critical, high, medium or low`},
		{[]string{"alerts", "ack", id(0), "--ack-timeout", "later"}, 1, `--ack-timeout "later" is not a positive duration`},
		{[]string{"alerts", "ack", id(0)}, 0, "alert " + id(0) + " acknowledged by root"},
		{[]string{"alerts", "ack", id(1), "--ack-timeout", "1h", "--as", "olga"}, 0, "alert " + id(1) + " acknowledged by olga until"},
		{[]string{"alerts", "ack", id(0)}, 1, "it is acknowledged"},
		{[]string{"alerts", "resolve", id(0), "--as", "olga"}, 1, "a note is required"},
		{[]string{"alerts", "resolve", id(0), "--note", "paid in", "--as", "olga"}, 0, "alert " + id(0) + " resolved by olga"},
		{[]string{"alerts", "dismiss", id(1), "--note", "known", "--as", "nobody"}, 1, `--as "nobody": no such user`},
		{[]string{"alerts", "dismiss", id(1), "--note", "known"}, 0, "dismissed by root"},
		{[]string{"alerts", "snooze", id(2), "--for", "soon"}, 1, `--for "soon" is not a positive duration`},
		{[]string{"alerts", "snooze", id(2)}, 2, "snooze needs --for"},
		{[]string{"alerts", "snooze", id(2), "--for", "2h"}, 0, "snoozed by root until"},
		{[]string{"alerts", "list", "--open"}, 0, "new (snoozed)"},
		{[]string{"alerts", "ack", "999"}, 1, `no alert 999 on connection "default"`},
		{[]string{"alerts", "ack", "x1"}, 1, `alert id "x1" is not a positive number`},
		{[]string{"alerts", "ack"}, 2, "ack needs one alert ID"},
		{[]string{"alerts", "frob"}, 2, `unknown action "frob"`},
		{[]string{"alerts"}, 2, "aicoo alerts list"},
		{[]string{"alerts", "show", id(0)}, 0, "resolved"},
		{[]string{"alerts", "show", "12345"}, 1, "no alert 12345"},
		{[]string{"alerts", "silence", "--for", "4h", "--comment", "maintenance"}, 1, "at least one --match"},
		{[]string{"alerts", "silence", "--match", "rule", "--for", "4h", "--comment", "c"}, 1, `--match "rule": want label=value`},
		{[]string{"alerts", "silence", "--match", "rule=~(", "--for", "4h", "--comment", "c"}, 1, "missing closing )"},
		{[]string{"alerts", "silence", "--match", "rule=x", "--for", "4h"}, 1, "--comment"},
		{[]string{"alerts", "silence", "--match", "rule=x", "--for", "9999h", "--comment", "c"}, 1, "at most"},
		{[]string{"alerts", "silence", "--match", "rule=Cash runway", "--match", "company_id!=2", "--for", "4h", "--comment", "month end"}, 0, "created by root until"},
	})
	ctx := context.Background()
	a, err := s.AlertGet(ctx, conn.ID, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != store.AlertResolved || a.ResolutionNote != "paid in" {
		t.Fatalf("alert %d: %s %q", a.ID, a.Status, a.ResolutionNote)
	}
	code, out, errOut := run(t, env, "alerts", "show", id(0))
	for _, w := range []string{"Cash runway 20 days", "History", "acknowledged  root", "resolved      olga  paid in"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Fatalf("show lacks %q: exit %d\n%s%s", w, code, out, errOut)
		}
	}
	sil, err := s.SilenceList(ctx, conn.ID, a.UpdatedAt)
	if err != nil || len(sil) != 1 || len(sil[0].Matchers) != 2 || sil[0].Matchers[1].Op != "!=" || sil[0].Comment != "month end" {
		t.Fatalf("silences %+v, %v", sil, err)
	}
}

func TestAlertsNeedsAnAdmin(t *testing.T) {
	t.Parallel()
	env, _, _ := opsStore(t, nil, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		if _, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: conn.ID, Fingerprint: "f", Type: "t", Priority: "low", Title: "T"}); err != nil {
			t.Fatal(err)
		}
	})
	runSteps(t, env, []cliStep{
		{[]string{"alerts", "ack", "1"}, 1, "has no active admin to act as: pass --as USERNAME"},
		{[]string{"alerts", "list", "--connection", "other"}, 1, `no connection named "other"`},
	})
}
