package actions_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// noOdoo fails every Odoo call: the policy decides without Odoo.
func noOdoo(context.Context, int64) (actions.Odoo, error) {
	return nil, errors.New("no Odoo in this test")
}

func noteProposal(subject string, partner int64, amount float64) actions.Proposal {
	return actions.Proposal{Type: actions.TypeChatterNote, Subject: subject, Source: "test", PartnerID: partner, Amount: amount,
		Title: "note " + subject, Params: actions.Params{Model: "account.move", ResID: 1, Body: "hello"}}
}

// TestPolicyMatrix proposes notes under each mode and limit and checks the
// decision, on both databases.
func TestPolicyMatrix(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		policy actions.Policy
		// earlier proposals of the same partner (1) that ran alone
		earlier int
		partner int64
		amount  float64
		want    string
		reason  string
	}{
		{"auto within limits", actions.Policy{Mode: actions.ModeAuto, MaxAmount: 100, MaxPerDay: 5, MaxPerCustomerWeek: 2}, 0, 1, 50, store.ActionApproved, "run alone"},
		{"auto over the amount", actions.Policy{Mode: actions.ModeAuto, MaxAmount: 100}, 0, 1, 100.01, store.ActionPending, "exceeds"},
		{"auto at the amount", actions.Policy{Mode: actions.ModeAuto, MaxAmount: 100}, 0, 1, 100, store.ActionApproved, "run alone"},
		{"auto, daily limit reached", actions.Policy{Mode: actions.ModeAuto, MaxPerDay: 2}, 2, 2, 0, store.ActionPending, "daily limit"},
		{"auto, below the daily limit", actions.Policy{Mode: actions.ModeAuto, MaxPerDay: 3}, 2, 2, 0, store.ActionApproved, "run alone"},
		{"auto, customer week limit reached", actions.Policy{Mode: actions.ModeAuto, MaxPerCustomerWeek: 2}, 2, 1, 0, store.ActionPending, "weekly limit"},
		{"auto, another customer", actions.Policy{Mode: actions.ModeAuto, MaxPerCustomerWeek: 2}, 2, 9, 0, store.ActionApproved, "run alone"},
		{"approve", actions.Policy{Mode: actions.ModeApprove}, 0, 1, 0, store.ActionPending, "requires approval"},
		{"approve, within limits", actions.Policy{Mode: actions.ModeApprove, MaxAmount: 1000}, 0, 1, 1, store.ActionPending, "requires approval"},
		{"never", actions.Policy{Mode: actions.ModeNever}, 0, 1, 0, store.ActionBlocked, "never"},
		{"never, within limits", actions.Policy{Mode: actions.ModeNever, MaxAmount: 1000, MaxPerDay: 10}, 0, 1, 1, store.ActionBlocked, "never"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for i, c := range cases {
			conn, err := st.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: fmt.Sprintf("c%d", i), OdooURL: "http://x", OdooDatabase: "x"})
			if err != nil {
				t.Fatal(err)
			}
			svc, err := actions.New(actions.Config{Store: st, OdooFunc: noOdoo, NowFunc: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			admin := actions.Actor{Username: "ann", Role: store.RoleAdmin}
			// The earlier actions ran under a policy without limits.
			if err := svc.SetPolicy(ctx, conn.ID, admin, actions.Policy{Type: actions.TypeChatterNote, Mode: actions.ModeAuto}); err != nil {
				t.Fatal(err)
			}
			for j := range c.earlier {
				a, _, err := svc.Propose(ctx, conn.ID, noteProposal(fmt.Sprintf("earlier:%d", j), 1, 0))
				if err != nil || a.Status != store.ActionApproved {
					t.Fatalf("%s: earlier: %+v %v", c.name, a, err)
				}
			}
			c.policy.Type = actions.TypeChatterNote
			if err := svc.SetPolicy(ctx, conn.ID, admin, c.policy); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			a, _, err := svc.Propose(ctx, conn.ID, noteProposal("this", c.partner, c.amount))
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if a.Status != c.want || !strings.Contains(a.PolicyReason, c.reason) {
				t.Errorf("%s: status %s (%s), want %s (%q)", c.name, a.Status, a.PolicyReason, c.want, c.reason)
			}
		}
	})
}

// TestPolicyCannotBeWidened: only admins change policies, never beyond a
// type's ceiling, every change is audited, and an edited row is clamped.
func TestPolicyCannotBeWidened(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		conn, err := st.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "c", OdooURL: "http://x", OdooDatabase: "x"})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := actions.New(actions.Config{Store: st, OdooFunc: noOdoo})
		if err != nil {
			t.Fatal(err)
		}
		admin := actions.Actor{UserID: 0, Username: "ann", Role: store.RoleAdmin}
		// Defaults: only activities and notes run alone.
		pols, err := svc.Policies(ctx, conn.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pols {
			alone := p.Type == actions.TypeFollowUpActivity || p.Type == actions.TypeChatterNote
			if (p.Mode == actions.ModeAuto) != alone || p.Stored {
				t.Errorf("default policy of %s: %+v", p.Type, p)
			}
		}
		bad := []struct {
			actor actions.Actor
			p     actions.Policy
			want  error
		}{
			{actions.Actor{Username: "cfo", Role: store.RoleCFO}, actions.Policy{Type: actions.TypeDraftRFQ, Mode: actions.ModeNever}, actions.ErrForbidden},
			{admin, actions.Policy{Type: actions.TypePaymentReminder, Mode: actions.ModeAuto}, actions.ErrPolicy},
			{admin, actions.Policy{Type: actions.TypeDraftRFQ, Mode: "yolo"}, actions.ErrPolicy},
			{admin, actions.Policy{Type: actions.TypeDraftRFQ, Mode: actions.ModeAuto, MaxAmount: -1}, actions.ErrPolicy},
			{admin, actions.Policy{Type: actions.TypeDraftRFQ, Mode: actions.ModeAuto, QuietStart: "22:00"}, actions.ErrPolicy},
			{admin, actions.Policy{Type: actions.TypeDraftRFQ, Mode: actions.ModeAuto, QuietStart: "25:00", QuietEnd: "06:00"}, actions.ErrPolicy},
			{admin, actions.Policy{Type: actions.TypeDraftRFQ, Mode: actions.ModeAuto, Timezone: "Mars/Olympus"}, actions.ErrPolicy},
			{admin, actions.Policy{Type: "wire_money", Mode: actions.ModeApprove}, actions.ErrPolicy},
		}
		for _, b := range bad {
			if err := svc.SetPolicy(ctx, conn.ID, b.actor, b.p); !errors.Is(err, b.want) {
				t.Errorf("SetPolicy(%+v) by %s: %v, want %v", b.p, b.actor.Role, err, b.want)
			}
		}
		if err := svc.SetPolicy(ctx, conn.ID, admin, actions.Policy{Type: actions.TypeDraftRFQ, Mode: actions.ModeAuto, MaxAmount: 500,
			QuietStart: "20:00", QuietEnd: "07:00", Timezone: "Europe/Berlin"}); err != nil {
			t.Fatal(err)
		}
		// An edited row cannot widen a type beyond its ceiling.
		if _, err := st.ActionPolicyPut(ctx, store.ActionPolicy{ConnectionID: conn.ID, ActionType: string(actions.TypePaymentReminder), Mode: "auto", Timezone: "UTC"}); err != nil {
			t.Fatal(err)
		}
		p, err := svc.Policy(ctx, conn.ID, actions.TypePaymentReminder)
		if err != nil || p.Mode != actions.ModeApprove {
			t.Fatalf("edited reminder policy: %+v %v", p, err)
		}
		a, _, err := svc.Propose(ctx, conn.ID, actions.Proposal{Type: actions.TypePaymentReminder, Subject: "account.move:1", Source: "test",
			Title: "remind", Params: actions.Params{Model: "account.move", ResID: 1, Body: "pay", PartnerIDs: []int64{5}}})
		if err != nil || a.Status != store.ActionPending {
			t.Fatalf("reminder under an edited auto row: %+v %v", a, err)
		}
		// The one accepted change is in the audit log, with before and after.
		var changes int
		for seq := int64(1); ; seq++ {
			e, ok := auditEntry(t, st, conn.ID, seq)
			if !ok {
				break
			}
			if e.Action == actions.AuditPolicyChanged {
				changes++
				if !strings.Contains(string(e.Details), `"before"`) || !strings.Contains(string(e.Details), `"max_amount":500`) || e.Actor != "ann" {
					t.Errorf("policy audit entry: %s %s", e.Actor, e.Details)
				}
			}
		}
		if changes != 1 {
			t.Fatalf("%d policy changes audited, want 1", changes)
		}
	})
}

// auditEntry reads entry seq of the connection's audit log.
func auditEntry(t *testing.T, st *store.Store, conn, seq int64) (store.AuditEntry, bool) {
	t.Helper()
	var e store.AuditEntry
	var details string
	err := st.DB().QueryRowContext(context.Background(), `SELECT seq, actor, action, subject, details FROM audit_log
		WHERE connection_id = $1 AND seq = $2`, conn, seq).Scan(&e.Seq, &e.Actor, &e.Action, &e.Subject, &details)
	if err != nil {
		return e, false
	}
	e.Details = []byte(details)
	return e, true
}

func TestQuietUntil(t *testing.T) {
	t.Parallel()
	berlin := actions.Policy{QuietStart: "20:00", QuietEnd: "07:00", Timezone: "Europe/Berlin"}
	noon := actions.Policy{QuietStart: "12:00", QuietEnd: "13:30"}
	cases := []struct {
		name  string
		p     actions.Policy
		now   time.Time
		quiet bool
		until time.Time
	}{
		{"none", actions.Policy{}, time.Date(2025, 4, 1, 3, 0, 0, 0, time.UTC), false, time.Time{}},
		{"before midnight", berlin, time.Date(2025, 4, 1, 19, 0, 0, 0, time.UTC), true, time.Date(2025, 4, 2, 5, 0, 0, 0, time.UTC)},
		{"after midnight", berlin, time.Date(2025, 4, 1, 2, 0, 0, 0, time.UTC), true, time.Date(2025, 4, 1, 5, 0, 0, 0, time.UTC)},
		{"at the end", berlin, time.Date(2025, 4, 1, 5, 0, 0, 0, time.UTC), false, time.Time{}},
		{"day", berlin, time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC), false, time.Time{}},
		{"at the start", berlin, time.Date(2025, 4, 1, 18, 0, 0, 0, time.UTC), true, time.Date(2025, 4, 2, 5, 0, 0, 0, time.UTC)},
		{"same-day window", noon, time.Date(2025, 4, 1, 12, 15, 0, 0, time.UTC), true, time.Date(2025, 4, 1, 13, 30, 0, 0, time.UTC)},
		{"after a same-day window", noon, time.Date(2025, 4, 1, 13, 30, 0, 0, time.UTC), false, time.Time{}},
	}
	for _, c := range cases {
		until, quiet := c.p.QuietUntil(c.now)
		if quiet != c.quiet || !until.Equal(c.until) {
			t.Errorf("%s: %v %v, want %v %v", c.name, quiet, until, c.quiet, c.until)
		}
	}
}

// TestExecuteRereadsPolicy: quiet hours snooze the job; a policy narrowed
// after the policy approved an action sends it back to the queue, and
// never cancels it. No Odoo is reached.
func TestExecuteRereadsPolicy(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 4, 1, 21, 30, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		conn, err := st.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "c", OdooURL: "http://x", OdooDatabase: "x"})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := actions.New(actions.Config{Store: st, OdooFunc: noOdoo, NowFunc: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		admin := actions.Actor{Username: "ann", Role: store.RoleAdmin}
		set := func(p actions.Policy) {
			t.Helper()
			p.Type = actions.TypeChatterNote
			if err := svc.SetPolicy(ctx, conn.ID, admin, p); err != nil {
				t.Fatal(err)
			}
		}
		set(actions.Policy{Mode: actions.ModeAuto, QuietStart: "21:00", QuietEnd: "06:30"})
		a, _, err := svc.Propose(ctx, conn.ID, noteProposal("account.move:1", 1, 0))
		if err != nil || a.Status != store.ActionApproved {
			t.Fatalf("propose: %+v %v", a, err)
		}
		w := &actions.Worker{Service: svc}
		job := &river.Job[actions.ExecuteArgs]{Args: actions.ExecuteArgs{ConnectionID: conn.ID, ActionID: a.ID}}
		var quiet *actions.QuietHoursError
		if _, err := svc.Execute(ctx, conn.ID, a.ID); !errors.As(err, &quiet) || !quiet.Until.Equal(time.Date(2025, 4, 2, 6, 30, 0, 0, time.UTC)) {
			t.Fatalf("quiet hours: %v", err)
		}
		var snooze *river.JobSnoozeError
		if err := w.Work(ctx, job); !errors.As(err, &snooze) {
			t.Fatalf("worker in quiet hours: %v", err)
		}
		set(actions.Policy{Mode: actions.ModeApprove})
		if a, err = svc.Execute(ctx, conn.ID, a.ID); !errors.Is(err, actions.ErrNotExecutable) || a.Status != store.ActionPending {
			t.Fatalf("narrowed to approve: %+v %v", a, err)
		}
		b, _, err := svc.Propose(ctx, conn.ID, noteProposal("account.move:2", 1, 0))
		if err != nil || b.Status != store.ActionPending {
			t.Fatalf("propose under approve: %+v %v", b, err)
		}
		if _, err := svc.Approve(ctx, conn.ID, b.ID, admin); err == nil {
			t.Fatal("approved without being able to check the facts in Odoo")
		}
		set(actions.Policy{Mode: actions.ModeNever})
		if _, err := svc.Approve(ctx, conn.ID, a.ID, admin); !errors.Is(err, actions.ErrBlocked) {
			t.Fatalf("approve under never: %v", err)
		}
		var cancel *river.JobCancelError
		if err := w.Work(ctx, job); !errors.As(err, &cancel) {
			t.Fatalf("worker on a pending action: %v", err)
		}
	})
}
