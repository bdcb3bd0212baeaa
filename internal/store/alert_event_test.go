package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

func TestAlertLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "ann", Role: store.RoleCFO})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		raise := func() *store.Alert {
			a, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: c.ID, Fingerprint: "fp", Type: "finance", Priority: "high", Title: "t"})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		a := raise()
		if err := s.AlertAnnotate(ctx, a.ID, store.AlertAnnotation{Subject: "res.company:1", Labels: map[string]string{"team": "finance"}}); err != nil {
			t.Fatal(err)
		}
		act := store.AlertActParams{ConnectionID: c.ID, AlertID: a.ID, UserID: u.ID, Actor: "ann", Note: "looking", At: t0}
		d, err := s.AlertAcknowledge(ctx, act, time.Hour)
		if err != nil || d.Status != store.AlertAcknowledged || d.AcknowledgedBy != u.ID || !d.AckExpiresAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("ack: %+v %v", d, err)
		}
		if _, err := s.AlertAcknowledge(ctx, act, 0); !errors.Is(err, store.ErrAlertState) {
			t.Fatalf("second ack: want ErrAlertState, got %v", err)
		}
		// Not yet expired, then expired: back to new.
		if exp, err := s.AlertAckExpire(ctx, c.ID, t0.Add(59*time.Minute)); err != nil || len(exp) != 0 {
			t.Fatalf("early expiry: %v %v", exp, err)
		}
		exp, err := s.AlertAckExpire(ctx, c.ID, t0.Add(time.Hour))
		if err != nil || len(exp) != 1 || exp[0].Status != store.AlertNew || !exp[0].NotifyPending {
			t.Fatalf("expiry: %+v %v", exp, err)
		}
		act.Note, act.At = "paid", t0.Add(2*time.Hour)
		d, err = s.AlertResolve(ctx, act)
		if err != nil || d.Status != store.AlertResolved || d.ResolvedBy != u.ID || d.ResolutionNote != "paid" || d.Labels["team"] != "finance" {
			t.Fatalf("resolve: %+v %v", d, err)
		}
		if _, err := s.AlertDismiss(ctx, act); !errors.Is(err, store.ErrAlertState) {
			t.Fatalf("dismiss resolved: want ErrAlertState, got %v", err)
		}
		// A new occurrence links to the earlier alert.
		b := raise()
		if b.ID == a.ID {
			t.Fatal("a resolved alert must not be reopened")
		}
		if prev, err := s.AlertLinkPrevious(ctx, b.ID); err != nil || prev != a.ID {
			t.Fatalf("link: %d %v", prev, err)
		}
		if _, err := s.AlertSnooze(ctx, store.AlertActParams{ConnectionID: c.ID, AlertID: b.ID, At: t0}, t0.Add(-time.Minute)); err == nil {
			t.Fatal("snooze into the past must fail")
		}
		if _, err := s.AlertSnooze(ctx, store.AlertActParams{ConnectionID: c.ID, AlertID: b.ID, At: t0}, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if un, err := s.AlertUnsnoozeDue(ctx, c.ID, t0.Add(time.Hour)); err != nil || len(un) != 1 || !un[0].SnoozedUntil.IsZero() {
			t.Fatalf("unsnooze: %+v %v", un, err)
		}
		ok, err := s.AlertAutoResolve(ctx, c.ID, "fp", "condition cleared", t0.Add(3*time.Hour))
		if err != nil || !ok {
			t.Fatalf("auto-resolve: %v %v", ok, err)
		}
		if ok, err := s.AlertAutoResolve(ctx, c.ID, "fp", "again", t0); err != nil || ok {
			t.Fatalf("auto-resolve of nothing: %v %v", ok, err)
		}
		evs, err := s.AlertEventList(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range evs {
			actions = append(actions, e.Action)
		}
		if want := []string{"acknowledged", "ack_expired", "resolved"}; !equalStrings(actions, want) {
			t.Fatalf("events of a: %v, want %v", actions, want)
		}
		if _, err := s.AlertGet(ctx, c.ID+1, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("alert of another connection: %v", err)
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAlertRuleStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		ep, err := s.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: c.ID, Name: "finance", Repeat: 2,
			Levels: []store.EscalationLevel{{UserIDs: []int64{1}, Channels: []string{"email"}, Timeout: store.JSONDuration(15 * time.Minute)}}})
		if err != nil || len(ep.Levels) != 1 || time.Duration(ep.Levels[0].Timeout) != 15*time.Minute {
			t.Fatalf("policy: %+v %v", ep, err)
		}
		p := store.AlertRuleParams{ConnectionID: c.ID, Name: "runway", Source: store.RuleSourceMetric,
			Expression: "finance.cash.runway_days < threshold", Threshold: 45, Priority: "high", PendingEvaluations: 2,
			PendingFor: time.Hour, Labels: map[string]string{"team": "finance"}, Channels: []string{"email"},
			EscalationPolicyID: ep.ID, GroupWait: time.Minute, Enabled: true}
		r, err := s.AlertRuleCreate(ctx, p)
		if err != nil || r.Threshold != 45 || r.PendingFor != time.Hour || r.Labels["team"] != "finance" || r.EscalationPolicyID != ep.ID {
			t.Fatalf("create: %+v %v", r, err)
		}
		if _, err := s.AlertRuleCreate(ctx, p); err == nil {
			t.Fatal("duplicate name must fail")
		}
		p.Threshold, p.Priority = 30, "critical"
		if r, err = s.AlertRuleUpdate(ctx, r.ID, p); err != nil || r.Threshold != 30 || r.Priority != "critical" {
			t.Fatalf("update: %+v %v", r, err)
		}
		if err := s.AlertRuleSetEnabled(ctx, r.ID, false); err != nil {
			t.Fatal(err)
		}
		if l, err := s.AlertRuleList(ctx, c.ID, true); err != nil || len(l) != 0 {
			t.Fatalf("enabled rules: %v %v", l, err)
		}
		b := store.AlertRuleParams{ConnectionID: c.ID, Name: "Cash runway", Builtin: "low_cash_runway", Source: store.RuleSourceInsight, Enabled: true}
		if _, created, err := s.AlertRuleEnsureBuiltin(ctx, b); err != nil || !created {
			t.Fatalf("ensure: %v %v", created, err)
		}
		if _, created, err := s.AlertRuleEnsureBuiltin(ctx, b); err != nil || created {
			t.Fatalf("ensure again: %v %v", created, err)
		}
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		for i := range 3 {
			st, err := s.AlertRuleStateHold(ctx, c.ID, r.ID, "res.company:1", t0.Add(time.Duration(i)*time.Hour))
			if err != nil || st.Evaluations != i+1 || !st.Since.Equal(t0) {
				t.Fatalf("hold %d: %+v %v", i, st, err)
			}
		}
		if _, err := s.AlertRuleStateHold(ctx, c.ID, r.ID, "res.company:2", t0); err != nil {
			t.Fatal(err)
		}
		if n, err := s.AlertRuleStateClear(ctx, r.ID, "res.", []string{"res.company:2"}); err != nil || n != 1 {
			t.Fatalf("clear: %d %v", n, err)
		}
		if err := s.AlertRuleDelete(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AlertRuleByID(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted rule: %v", err)
		}
	})
}

func TestSilencesGroupsDigests(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := newConnection(t, s)
		u, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: c.ID, Username: "ann", Role: store.RoleCFO})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		if _, err := s.SilenceCreate(ctx, store.SilenceParams{ConnectionID: c.ID, StartsAt: t0, EndsAt: t0}); err == nil {
			t.Fatal("empty silence must fail")
		}
		si, err := s.SilenceCreate(ctx, store.SilenceParams{ConnectionID: c.ID, StartsAt: t0, EndsAt: t0.Add(time.Hour),
			Matchers: []store.SilenceMatcher{{Name: "rule", Op: "=", Value: "x"}}, Comment: "maintenance"})
		if err != nil || !si.Active(t0) || si.Active(t0.Add(time.Hour)) {
			t.Fatalf("silence: %+v %v", si, err)
		}
		if l, err := s.SilenceList(ctx, c.ID, t0.Add(30*time.Minute)); err != nil || len(l) != 1 || l[0].Matchers[0].Value != "x" {
			t.Fatalf("list: %+v %v", l, err)
		}
		if err := s.SilenceExpire(ctx, c.ID, si.ID, t0.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if l, err := s.SilenceList(ctx, c.ID, t0.Add(30*time.Minute)); err != nil || len(l) != 0 {
			t.Fatalf("list after expiry: %+v %v", l, err)
		}
		g, err := s.AlertGroupGet(ctx, c.ID, "rule:1")
		if err != nil || g.Flushes != 0 || !g.NextFlushAt.IsZero() {
			t.Fatalf("new group: %+v %v", g, err)
		}
		g.NextFlushAt, g.Flushes = t0, 1
		if err := s.AlertGroupPut(ctx, g); err != nil {
			t.Fatal(err)
		}
		if g, err = s.AlertGroupGet(ctx, c.ID, "rule:1"); err != nil || !g.NextFlushAt.Equal(t0) || g.Flushes != 1 {
			t.Fatalf("stored group: %+v %v", g, err)
		}
		for range 2 {
			if err := s.AlertNotifyCountAdd(ctx, c.ID, u.ID, "2026-03-02"); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.AlertNotifyCount(ctx, u.ID, "2026-03-02"); err != nil || n != 2 {
			t.Fatalf("count: %d %v", n, err)
		}
		a, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: c.ID, Fingerprint: "fp", Type: "finance", Priority: "high", Title: "t"})
		if err != nil {
			t.Fatal(err)
		}
		it := store.AlertDigestItem{UserID: u.ID, Day: "2026-03-02", AlertID: a.ID, Channel: "email"}
		for range 2 {
			if err := s.AlertDigestAdd(ctx, c.ID, it); err != nil {
				t.Fatal(err)
			}
		}
		if due, err := s.AlertDigestDue(ctx, c.ID, "2026-03-02"); err != nil || len(due) != 0 {
			t.Fatalf("due today: %v %v", due, err)
		}
		if due, err := s.AlertDigestDue(ctx, c.ID, "2026-03-03"); err != nil || len(due) != 1 || due[0] != it {
			t.Fatalf("due tomorrow: %v %v", due, err)
		}
		if err := s.AlertDigestDelete(ctx, u.ID, "2026-03-02"); err != nil {
			t.Fatal(err)
		}
	})
}
