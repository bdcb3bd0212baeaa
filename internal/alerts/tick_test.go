package alerts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

func tick(t *testing.T, b *bundle) alerts.TickResult {
	t.Helper()
	tr, err := b.e.Tick(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTickGroupsAndRepeats(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		res := &analysis.Result{Area: "finance", Insights: []analysis.Insight{overdue("1", 95, 500, "high"), overdue("2", 61, 300, "medium")}}
		if _, err := b.e.Evaluate(ctx, b.conn, res); err != nil {
			t.Fatal(err)
		}
		// Group wait: nothing yet, then one message for both alerts per user.
		if tr := tick(t, b); tr.Notifications != 0 {
			t.Fatalf("before group wait: %+v", tr)
		}
		b.clk.Add(alerts.GroupWaitDefault)
		tick(t, b)
		got := b.out.take()
		if len(got) != 2 || len(got[0].AlertIDs) != 2 || got[0].Kind != alerts.KindAlert || got[0].MessageKey != got[1].MessageKey ||
			got[0].Priority != "high" || got[0].Link == "" {
			t.Fatalf("first flush: %+v", got)
		}
		// A new alert within the group interval waits for it.
		res.Insights = append(res.Insights, overdue("3", 100, 900, "high"))
		if _, err := b.e.Evaluate(ctx, b.conn, res); err != nil {
			t.Fatal(err)
		}
		b.clk.Add(time.Minute)
		tick(t, b)
		if got := b.out.take(); len(got) != 0 {
			t.Fatalf("inside group interval: %+v", got)
		}
		b.clk.Add(alerts.GroupIntervalDefault)
		tick(t, b)
		if got := b.out.take(); len(got) != 2 || len(got[0].AlertIDs) != 3 {
			t.Fatalf("after group interval: %+v", got)
		}
		// Nothing new: the next message is the repeat, for unacknowledged alerts only.
		open, _ := b.s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: b.conn, OpenOnly: true})
		if _, err := b.e.Acknowledge(ctx, b.conn, open[0].ID, alerts.Actor{UserID: b.ann, Username: "ann"}, "on it", 0); err != nil {
			t.Fatal(err)
		}
		b.clk.Add(time.Hour)
		tick(t, b)
		if got := b.out.take(); len(got) != 0 {
			t.Fatalf("nothing new: %+v", got)
		}
		b.clk.Add(alerts.RepeatIntervalDefault)
		tick(t, b)
		if got := b.out.take(); len(got) != 2 || got[0].Kind != alerts.KindRepeat || len(got[0].AlertIDs) != 2 {
			t.Fatalf("repeat: %+v", got)
		}
	})
}

func TestTickSilenceSnoozeInhibit(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		// A user rule on the same subject as the built-in runway rule, less urgent.
		if _, err := b.e.RuleCreate(ctx, b.conn, alerts.RuleSpec{Name: "Runway watch", Source: "insight", InsightKind: "low_cash_runway",
			Priority: "medium", Channels: []string{"email"}, Enabled: true}, alerts.Actor{}); err != nil {
			t.Fatal(err)
		}
		res := &analysis.Result{Area: "finance", Insights: []analysis.Insight{runway(20, "critical"), overdue("1", 95, 500, "high")}}
		if _, err := b.e.Evaluate(ctx, b.conn, res); err != nil {
			t.Fatal(err)
		}
		if _, err := b.e.SilenceCreate(ctx, store.SilenceParams{ConnectionID: b.conn, EndsAt: b.clk.Now().Add(time.Hour),
			Matchers: []store.SilenceMatcher{{Name: "kind", Op: "=~", Value: "overdue_.*"}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.e.SilenceCreate(ctx, store.SilenceParams{ConnectionID: b.conn, EndsAt: b.clk.Now().Add(time.Hour),
			Matchers: []store.SilenceMatcher{{Name: "kind", Op: "~", Value: "x"}}}); err == nil {
			t.Fatal("a bad matcher must be rejected")
		}
		b.clk.Add(alerts.GroupWaitDefault)
		tick(t, b)
		got := b.out.take()
		// Only the critical runway alert: the invoice is silenced, the medium twin inhibited.
		if len(got) != 2 || got[0].Priority != "critical" || len(got[0].AlertIDs) != 1 {
			t.Fatalf("first flush: %+v", got)
		}
		// The critical alert resolves: the twin goes out (on email, to everyone).
		critical := got[0].AlertID
		if _, err := b.e.Resolve(ctx, b.conn, critical, alerts.Actor{UserID: b.bob, Username: "bob"}, "cash came in"); err != nil {
			t.Fatal(err)
		}
		b.clk.Add(alerts.GroupWaitDefault)
		tick(t, b)
		got = b.out.take()
		if len(got) != 2 || got[0].Priority != "medium" || got[0].Channel != "email" {
			t.Fatalf("after inhibition: %+v", got)
		}
		// The silence ends: the invoice alert goes out, unless snoozed.
		inv, _ := b.s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: b.conn, OpenOnly: true, Subject: "account.move:1"})
		if _, err := b.e.Snooze(ctx, b.conn, inv[0].ID, alerts.Actor{UserID: b.ann, Username: "ann"}, 2*time.Hour, "after the meeting"); err != nil {
			t.Fatal(err)
		}
		b.clk.Add(time.Hour)
		tick(t, b)
		if got := b.out.take(); len(got) != 0 {
			t.Fatalf("snoozed: %+v", got)
		}
		b.clk.Add(time.Hour)
		if tr := tick(t, b); tr.Unsnoozed != 1 {
			t.Fatalf("unsnooze: %+v", tr)
		}
		b.clk.Add(alerts.GroupWaitDefault)
		tick(t, b)
		if got := b.out.take(); len(got) != 2 || got[0].AlertID != inv[0].ID {
			t.Fatalf("after snooze: %+v", got)
		}
	})
}

func TestTickEscalationAndAckTimeout(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		pol, err := b.e.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: b.conn, Name: "cash", Repeat: 1,
			Levels: []store.EscalationLevel{
				{UserIDs: []int64{b.ann}, Channels: []string{"email"}, Timeout: store.JSONDuration(15 * time.Minute)},
				// Level 2 names a role: bob is the CEO.
				{Roles: []string{store.RoleCEO}, Channels: []string{"sms"}, Timeout: store.JSONDuration(15 * time.Minute)}}}, alerts.Actor{Username: "olga"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.e.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: b.conn, Name: "bad",
			Levels: []store.EscalationLevel{{UserIDs: []int64{999}, Timeout: store.JSONDuration(time.Second)}}}, alerts.Actor{Username: "olga"}); err == nil {
			t.Fatal("a bad policy must be rejected")
		}
		if _, err := b.e.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: b.conn, Name: "no role",
			Levels: []store.EscalationLevel{{Roles: []string{"pilot"}, Timeout: store.JSONDuration(time.Hour)}}}, alerts.Actor{}); err == nil {
			t.Fatal("a level naming an unknown role must be rejected")
		}
		rules, _ := b.e.RuleList(ctx, b.conn)
		for _, r := range rules {
			if r.Builtin == "low_cash_runway" {
				sp := alerts.SpecOf(r)
				sp.EscalationPolicyID = pol.ID
				if _, err := b.e.RuleUpdate(ctx, b.conn, r.ID, sp, alerts.Actor{}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := b.e.Evaluate(ctx, b.conn, &analysis.Result{Area: "finance", Insights: []analysis.Insight{runway(20, "critical")}}); err != nil {
			t.Fatal(err)
		}
		b.clk.Add(alerts.GroupWaitDefault)
		tick(t, b)
		got := b.out.take()
		if len(got) != 1 || got[0].UserID != b.ann || got[0].Channel != "email" {
			t.Fatalf("level 1: %+v", got)
		}
		alertID := got[0].AlertID
		b.clk.Add(15 * time.Minute)
		if tr := tick(t, b); tr.Escalations != 1 {
			t.Fatalf("escalation: %+v", tr)
		}
		got = b.out.take()
		if len(got) != 1 || got[0].UserID != b.bob || got[0].Channel != "sms" || got[0].Kind != alerts.KindEscalation {
			t.Fatalf("level 2: %+v", got)
		}
		// Acknowledged: no more escalation, until the acknowledgement times out.
		if _, err := b.e.Acknowledge(ctx, b.conn, alertID, alerts.Actor{UserID: b.bob, Username: "bob"}, "calling the bank", time.Hour); err != nil {
			t.Fatal(err)
		}
		b.clk.Add(30 * time.Minute)
		if tr := tick(t, b); tr.Escalations != 0 {
			t.Fatalf("acknowledged: %+v", tr)
		}
		b.clk.Add(30 * time.Minute)
		tr := tick(t, b)
		if tr.AckExpired != 1 || tr.Escalations != 1 {
			t.Fatalf("ack timeout: %+v", tr)
		}
		// Resumed past the last level: round 2 starts at level 1.
		got = b.out.take()
		var esc []alerts.Notification
		for _, n := range got {
			if n.Kind == alerts.KindEscalation {
				esc = append(esc, n)
			}
		}
		if len(esc) != 1 || esc[0].UserID != b.ann {
			t.Fatalf("resumed: %+v", got)
		}
		b.clk.Add(15 * time.Minute)
		tick(t, b)
		b.clk.Add(15 * time.Minute)
		tick(t, b) // repeat 1 exhausted: the ladder ends
		evs, _ := b.s.AlertEventList(ctx, alertID)
		if last := evs[len(evs)-1]; last.Action != store.AlertEventEscalationEnded {
			t.Fatalf("last event: %+v", last)
		}
	})
}

func TestTickDailyCapAndDigest(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		e := alerts.New(b.s, alerts.Config{Notifier: b.out, Now: b.clk.Now, DailyCap: 1})
		// Separate rules so each alert is its own group.
		for _, in := range []analysis.Insight{
			{Kind: "stalled_deal", Priority: "medium", Subject: "crm.lead:1", Title: "deal", Facts: map[string]float64{"expected_revenue": 10}},
			{Kind: "churn_risk", Priority: "high", Subject: "res.partner:1", Title: "churn"},
		} {
			area := map[string]string{"stalled_deal": "sales", "churn_risk": "customers"}[in.Kind]
			if _, err := e.Evaluate(ctx, b.conn, &analysis.Result{Area: area, Insights: []analysis.Insight{in}}); err != nil {
				t.Fatal(err)
			}
		}
		b.clk.Add(alerts.GroupWaitDefault)
		tr, err := e.Tick(ctx)
		if err != nil || tr.Notifications != 2 || tr.Held != 2 {
			t.Fatalf("capped tick: %+v %v", tr, err)
		}
		b.out.take()
		b.clk.Add(24 * time.Hour)
		tr, err = e.Tick(ctx)
		if err != nil || tr.Digests != 2 {
			t.Fatalf("digest tick: %+v %v", tr, err)
		}
		var digests int
		for _, n := range b.out.take() {
			if n.Kind == alerts.KindDigest {
				digests++
			}
		}
		if digests != 2 {
			t.Fatalf("digests: %d", digests)
		}
	})
}

// TestTickNotifiesOnlyRolesThatSeeTheArea: an org-wide finance alert
// reaches the CFO and the CEO but not a sales user, whose role does not
// see finance on the dashboard; a sales alert reaches all three.
func TestTickNotifiesOnlyRolesThatSeeTheArea(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		sam, err := b.s.UserCreate(ctx, store.UserCreateParams{ConnectionID: b.conn, Username: "sam", Role: store.RoleSales})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.e.Evaluate(ctx, b.conn, &analysis.Result{Area: "finance", Insights: []analysis.Insight{runway(20, "critical")}}); err != nil {
			t.Fatal(err)
		}
		stalled := analysis.Insight{Kind: "stalled_deal", Priority: "high", Subject: "crm.lead:7", Title: "Deal stalled", Facts: map[string]float64{"days_in_stage": 40, "expected_revenue": 50000}}
		if _, err := b.e.Evaluate(ctx, b.conn, &analysis.Result{Area: "sales", Insights: []analysis.Insight{stalled}}); err != nil {
			t.Fatal(err)
		}
		b.clk.Add(alerts.GroupWaitDefault)
		tick(t, b)
		got := map[string]map[int64]bool{}
		for _, n := range b.out.take() {
			kind := "finance"
			if strings.Contains(n.Subject, "Deal stalled") || strings.Contains(n.Body, "Deal stalled") {
				kind = "sales"
			}
			if got[kind] == nil {
				got[kind] = map[int64]bool{}
			}
			got[kind][n.UserID] = true
		}
		if !got["finance"][b.ann] || !got["finance"][b.bob] || got["finance"][sam.ID] {
			t.Errorf("finance alert reached %v; want ann and bob, not sam", got["finance"])
		}
		if !got["sales"][sam.ID] {
			t.Errorf("sales alert reached %v; want sam too", got["sales"])
		}
	})
}

// TestTickFollowsPersonalPreferences: quiet hours hold email for the
// morning digest unless the alert is critical and the person lets critical
// ones through; a digest reader gets critical alerts at once; in-app is
// always delivered; a channel the person dropped is not used.
func TestTickFollowsPersonalPreferences(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		rules, _ := b.e.RuleList(ctx, b.conn)
		for _, r := range rules {
			if r.Builtin == "low_cash_runway" || r.Builtin == "overdue_invoice" {
				sp := alerts.SpecOf(r)
				sp.Channels = []string{"in_app", "email", "sms"}
				if _, err := b.e.RuleUpdate(ctx, b.conn, r.ID, sp, alerts.Actor{}); err != nil {
					t.Fatal(err)
				}
			}
		}
		// ann: email and in-app only, quiet 22:00-07:00 UTC, critical breaks through; bob: a daily digest.
		if err := b.s.NotifyPrefsPut(ctx, b.conn, b.ann, store.NotifyPrefs{Channels: []string{"email"}, QuietStart: "22:00", QuietEnd: "07:00", CriticalBreaksQuiet: true}); err != nil {
			t.Fatal(err)
		}
		if err := b.s.NotifyPrefsPut(ctx, b.conn, b.bob, store.NotifyPrefs{Digest: true}); err != nil {
			t.Fatal(err)
		}
		b.clk.Add(14 * time.Hour) // 23:00 UTC
		if _, err := b.e.Evaluate(ctx, b.conn, &analysis.Result{Area: "finance", Insights: []analysis.Insight{runway(20, "critical"), overdue("9", 95, 5000, "high")}}); err != nil {
			t.Fatal(err)
		}
		b.clk.Add(alerts.GroupWaitDefault)
		tick(t, b)
		sent := map[string]bool{}
		for _, n := range b.out.take() {
			sent[fmt.Sprintf("%d %s %s", n.UserID, n.Channel, n.Priority)] = true
		}
		for _, tc := range []struct {
			user    int64
			channel string
			prio    string
			want    bool
		}{
			{b.ann, "email", "critical", true}, // breaks the quiet hours
			{b.ann, "sms", "critical", false},  // not one of ann's channels
			{b.ann, "in_app", "high", true},    // in-app always
			{b.ann, "email", "high", false},    // held: quiet hours
			{b.bob, "sms", "critical", true},   // critical skips the digest
			{b.bob, "email", "high", false},    // held for the digest
			{b.bob, "in_app", "high", true},
		} {
			if got := sent[fmt.Sprintf("%d %s %s", tc.user, tc.channel, tc.prio)]; got != tc.want {
				t.Errorf("user %d %s %s: sent %v, want %v (sent: %v)", tc.user, tc.channel, tc.prio, got, tc.want, sent)
			}
		}
		// The next day, once ann's quiet hours are over, the held ones go out as digests.
		b.clk.Add(9 * time.Hour) // 08:00 UTC
		tr := tick(t, b)
		if tr.Digests == 0 {
			t.Fatalf("no digest after the quiet hours: %+v", tr)
		}
	})
}

// TestTickEscalationByPriority: a policy attached to the critical priority
// is climbed by a critical alert whose rule names no policy, step by step
// at its delays, until someone acknowledges; an alert whose rule has a
// policy follows the rule's, and an alert of another priority none.
func TestTickEscalationByPriority(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		night, err := b.e.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: b.conn, Name: "night",
			Priorities: []string{store.PriorityCritical},
			Levels: []store.EscalationLevel{
				{UserIDs: []int64{b.ann}, Channels: []string{"email"}, Timeout: store.JSONDuration(10 * time.Minute)},
				{Roles: []string{store.RoleCEO}, Channels: []string{"sms"}, Timeout: store.JSONDuration(20 * time.Minute)}}}, alerts.Actor{Username: "olga"})
		if err != nil {
			t.Fatal(err)
		}
		if len(night.Priorities) != 1 || night.Priorities[0] != store.PriorityCritical {
			t.Fatalf("priorities %v", night.Priorities)
		}
		// One policy per priority.
		if _, err := b.e.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: b.conn, Name: "second", Priorities: []string{store.PriorityCritical},
			Levels: []store.EscalationLevel{{UserIDs: []int64{b.bob}, Timeout: store.JSONDuration(time.Hour)}}}, alerts.Actor{}); err == nil {
			t.Fatal("a second policy for critical must be rejected")
		}
		// The overdue rule has a policy of its own: bob by sms first.
		own, err := b.e.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: b.conn, Name: "collections",
			Levels: []store.EscalationLevel{{UserIDs: []int64{b.bob}, Channels: []string{"sms"}, Timeout: store.JSONDuration(time.Hour)}}}, alerts.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		rules, _ := b.e.RuleList(ctx, b.conn)
		for _, r := range rules {
			if r.Builtin == "overdue_invoice" {
				sp := alerts.SpecOf(r)
				sp.EscalationPolicyID = own.ID
				if _, err := b.e.RuleUpdate(ctx, b.conn, r.ID, sp, alerts.Actor{}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := b.e.Evaluate(ctx, b.conn, &analysis.Result{Area: "finance", Insights: []analysis.Insight{runway(20, "critical"), overdue("9", 120, 5000, "critical")}}); err != nil {
			t.Fatal(err)
		}
		open, err := b.s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: b.conn, OpenOnly: true})
		if err != nil || len(open) != 2 {
			t.Fatalf("open alerts %d %v", len(open), err)
		}
		var runwayID, overdueID int64
		for _, a := range open {
			if strings.Contains(a.Fingerprint, "low_cash_runway") {
				runwayID = a.ID
			} else {
				overdueID = a.ID
			}
		}
		byAlert := func(got []alerts.Notification) map[int64][]alerts.Notification {
			m := map[int64][]alerts.Notification{}
			for _, n := range got {
				m[n.AlertID] = append(m[n.AlertID], n)
			}
			return m
		}
		// Step 1 with the first notification: ann by email for the runway
		// (the priority's policy), bob by sms for the overdue invoice (its
		// rule's).
		b.clk.Add(alerts.GroupWaitDefault)
		tick(t, b)
		got := byAlert(b.out.take())
		if r := got[runwayID]; len(r) != 1 || r[0].UserID != b.ann || r[0].Channel != "email" {
			t.Fatalf("runway step 1: %+v", r)
		}
		if o := got[overdueID]; len(o) != 1 || o[0].UserID != b.bob || o[0].Channel != "sms" {
			t.Fatalf("overdue, the rule's policy: %+v", o)
		}
		// Step 2 ten minutes later, not before.
		b.clk.Add(9 * time.Minute)
		if tr := tick(t, b); tr.Escalations != 0 {
			t.Fatalf("after 9 minutes: %+v", tr)
		}
		b.clk.Add(time.Minute)
		if tr := tick(t, b); tr.Escalations != 1 {
			t.Fatalf("after 10 minutes: %+v", tr)
		}
		got = byAlert(b.out.take())
		if r := got[runwayID]; len(r) != 1 || r[0].UserID != b.bob || r[0].Channel != "sms" || r[0].Kind != alerts.KindEscalation {
			t.Fatalf("runway step 2: %+v", got)
		}
		a, err := b.s.AlertGet(ctx, b.conn, runwayID)
		if err != nil || a.EscalationLevel != 1 || !a.EscalationNextAt.Equal(b.clk.Now().Add(20*time.Minute)) {
			t.Fatalf("after step 2: %+v %v", a, err)
		}
		// Acknowledged: the ladder stops; nothing more when step 2's wait
		// is over, nor later.
		if _, err := b.e.Acknowledge(ctx, b.conn, runwayID, alerts.Actor{UserID: b.bob, Username: "bob"}, "on it", 0); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			b.clk.Add(20 * time.Minute)
			if tr := tick(t, b); tr.Escalations != 0 {
				t.Fatalf("acknowledged: %+v", tr)
			}
		}
		evs, _ := b.s.AlertEventList(ctx, runwayID)
		var steps int
		for _, ev := range evs {
			switch ev.Action {
			case store.AlertEventEscalated:
				steps++
				if !strings.Contains(ev.Note, `policy "night" level 2`) {
					t.Errorf("escalation event %q", ev.Note)
				}
			case store.AlertEventEscalationEnded:
				t.Errorf("acknowledged ladder ended as unanswered: %+v", ev)
			}
		}
		if steps != 1 {
			t.Errorf("%d escalation events, want 1", steps)
		}
	})
}

// TestTickPriorityPolicyEndsUnanswered: the priority's two-step ladder,
// unanswered, ends after its last wait.
func TestTickPriorityPolicyEndsUnanswered(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		if _, err := b.e.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: b.conn, Name: "high", Priorities: []string{store.PriorityHigh},
			Levels: []store.EscalationLevel{
				{UserIDs: []int64{b.ann}, Channels: []string{"email"}, Timeout: store.JSONDuration(5 * time.Minute)},
				{UserIDs: []int64{b.bob}, Channels: []string{"email"}, Timeout: store.JSONDuration(15 * time.Minute)}}}, alerts.Actor{}); err != nil {
			t.Fatal(err)
		}
		// A medium alert follows no policy: nothing escalates it.
		if _, err := b.e.Evaluate(ctx, b.conn, &analysis.Result{Area: "finance", Insights: []analysis.Insight{overdue("1", 95, 500, "high"), overdue("2", 61, 300, "medium")}}); err != nil {
			t.Fatal(err)
		}
		b.clk.Add(alerts.GroupWaitDefault)
		tick(t, b)
		b.out.take()
		b.clk.Add(5 * time.Minute)
		if tr := tick(t, b); tr.Escalations != 1 {
			t.Fatalf("step 2: %+v", tr)
		}
		b.clk.Add(14 * time.Minute)
		if tr := tick(t, b); tr.Escalations != 0 {
			t.Fatalf("before the last wait is over: %+v", tr)
		}
		b.clk.Add(time.Minute)
		tick(t, b)
		open, _ := b.s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: b.conn, OpenOnly: true})
		for _, a := range open {
			evs, _ := b.s.AlertEventList(ctx, a.ID)
			last := evs[len(evs)-1].Action
			if a.Priority == store.PriorityHigh && last != store.AlertEventEscalationEnded {
				t.Errorf("high alert: last event %s", last)
			}
			if a.Priority == store.PriorityMedium && (last == store.AlertEventEscalated || last == store.AlertEventEscalationEnded || !a.EscalationNextAt.IsZero()) {
				t.Errorf("medium alert escalated: %+v", a)
			}
		}
	})
}
