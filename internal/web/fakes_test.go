package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/briefing"
	"github.com/aicoo/aicoo/internal/store"
)

// The product's implementations satisfy the dashboard's interfaces.
var (
	_ BriefingRenderer = (*briefing.Generator)(nil)
	_ ActionService    = (*actions.Service)(nil)
	_ RuleEngine       = (*alerts.Engine)(nil)
)

// testActions implements ActionService for the tests: it checks roles as
// the actions package does, records every call and answers from the store
// without changing statuses, unless err is set.
type testActions struct {
	s     *store.Store
	mu    sync.Mutex
	calls []string
	err   error
	pols  map[actions.Type]actions.Policy
}

func (f *testActions) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *testActions) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *testActions) one(ctx context.Context, op string, connectionID, id int64, actor actions.Actor) (*store.Action, error) {
	a, err := f.s.ActionByID(ctx, connectionID, id)
	if err != nil {
		return nil, err
	}
	if !actions.Builtin().MayApprove(actions.Type(a.ActionType), actor.Role) {
		return nil, fmt.Errorf("%w: role %q", actions.ErrForbidden, actor.Role)
	}
	f.record("%s %d by %s", op, id, actor.Username)
	if f.err != nil {
		return nil, f.err
	}
	return a, nil
}

func (f *testActions) Approve(ctx context.Context, connectionID, actionID int64, actor actions.Actor) (*store.Action, error) {
	return f.one(ctx, "approve", connectionID, actionID, actor)
}

func (f *testActions) Reject(ctx context.Context, connectionID, actionID int64, actor actions.Actor, reason string) (*store.Action, error) {
	return f.one(ctx, "reject("+reason+")", connectionID, actionID, actor)
}

func (f *testActions) Rollback(ctx context.Context, connectionID, actionID int64, actor actions.Actor) (*store.Action, error) {
	return f.one(ctx, "rollback", connectionID, actionID, actor)
}

func (f *testActions) ApproveSimilar(ctx context.Context, connectionID int64, group string, ids []int64, actor actions.Actor) (*actions.BulkResult, error) {
	f.record("approve-similar %s by %s", group, actor.Username)
	if f.err != nil {
		return nil, f.err
	}
	list, err := f.s.ActionList(ctx, store.ActionListParams{ConnectionID: connectionID, GroupKey: group, Statuses: []string{store.ActionPending}})
	if err != nil {
		return nil, err
	}
	res := &actions.BulkResult{Skipped: map[int64]string{}}
	for _, a := range list {
		if actions.Builtin().MayApprove(actions.Type(a.ActionType), actor.Role) {
			res.Approved = append(res.Approved, a.ID)
		} else {
			res.Skipped[a.ID] = "forbidden"
		}
	}
	return res, nil
}

func (f *testActions) Policies(ctx context.Context, connectionID int64) ([]actions.Policy, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []actions.Policy
	for _, t := range actions.Builtin().Types() {
		p, ok := f.pols[t.Type]
		if !ok {
			p = t.Default
			p.Type = t.Type
		}
		out = append(out, p)
	}
	return out, nil
}

func (f *testActions) SetPolicy(ctx context.Context, connectionID int64, actor actions.Actor, p actions.Policy) error {
	if actor.Role != store.RoleAdmin {
		return actions.ErrForbidden
	}
	if err := actions.Builtin().ValidatePolicy(p); err != nil {
		return err
	}
	f.record("policy %s=%s by %s", p.Type, p.Mode, actor.Username)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pols == nil {
		f.pols = map[actions.Type]actions.Policy{}
	}
	p.Stored = true
	f.pols[p.Type] = p
	return nil
}

// testRules implements RuleEngine over the store: enabling goes to the
// store, a test answers the configured firings.
type testRules struct {
	s       *store.Store
	firings []alerts.Firing
	err     error
}

func (f *testRules) RuleSetEnabled(ctx context.Context, connectionID, id int64, enabled bool, _ alerts.Actor) error {
	r, err := f.s.AlertRuleByID(ctx, id)
	if err != nil {
		return err
	}
	if r.ConnectionID != connectionID {
		return store.ErrNotFound
	}
	return f.s.AlertRuleSetEnabled(ctx, id, enabled)
}

// RuleCreate, RuleUpdate and RuleDelete are the real engine's, over the
// same store.
func (f *testRules) RuleCreate(ctx context.Context, connectionID int64, sp alerts.RuleSpec, by alerts.Actor) (*store.AlertRule, error) {
	return alerts.New(f.s, alerts.Config{}).RuleCreate(ctx, connectionID, sp, by)
}

func (f *testRules) RuleUpdate(ctx context.Context, connectionID, id int64, sp alerts.RuleSpec, by alerts.Actor) (*store.AlertRule, error) {
	return alerts.New(f.s, alerts.Config{}).RuleUpdate(ctx, connectionID, id, sp, by)
}

func (f *testRules) RuleDelete(ctx context.Context, connectionID, id int64, by alerts.Actor) error {
	return alerts.New(f.s, alerts.Config{}).RuleDelete(ctx, connectionID, id, by)
}

func (f *testRules) EscalationPolicyCreate(ctx context.Context, p store.EscalationPolicyParams, by alerts.Actor) (*store.EscalationPolicy, error) {
	return alerts.New(f.s, alerts.Config{}).EscalationPolicyCreate(ctx, p, by)
}

func (f *testRules) EscalationPolicyUpdate(ctx context.Context, id int64, p store.EscalationPolicyParams, by alerts.Actor) (*store.EscalationPolicy, error) {
	return alerts.New(f.s, alerts.Config{}).EscalationPolicyUpdate(ctx, id, p, by)
}

func (f *testRules) EscalationPolicyDelete(ctx context.Context, connectionID, id int64, by alerts.Actor) error {
	return alerts.New(f.s, alerts.Config{}).EscalationPolicyDelete(ctx, connectionID, id, by)
}

func (f *testRules) RuleTest(ctx context.Context, connectionID int64, sp alerts.RuleSpec) ([]alerts.Firing, error) {
	if sp.Name == "" {
		return nil, errors.New("alerts: a rule needs a name")
	}
	return f.firings, f.err
}

// seedPages adds, for the new pages, a briefing for each role's user
// dated today, an alert rule and two pending actions (a payment reminder,
// decided on by finance roles, and a deal meeting, by sales roles).
func (f *fixture) seedPages(ctx context.Context, now time.Time) error {
	f.briefings, f.actionIDs = map[string]int64{}, map[string]int64{}
	for role, u := range f.users {
		b, _, err := f.store.DailyBriefingInsert(ctx, store.DailyBriefingParams{ConnectionID: f.conn.ID, UserID: u.ID, Date: now,
			Role: role, Content: "# Briefing for " + role + "\n\nCash is **1,234 EUR**.\n\n<script>alert(1)</script>", InsightsCount: 2})
		if err != nil {
			return err
		}
		f.briefings[role] = b.ID
	}
	r, err := f.store.AlertRuleCreate(ctx, store.AlertRuleParams{ConnectionID: f.conn.ID, Name: "Thin <b>cash</b>", Source: store.RuleSourceMetric,
		Expression: "finance.cash.runway_days < threshold", Threshold: 45, Priority: store.PriorityHigh, Enabled: true})
	if err != nil {
		return err
	}
	f.ruleID = r.ID
	for i := 1; i <= 3; i++ { // escalation policies 1 to 3, for the matrix's paths
		if _, err := f.store.EscalationPolicyCreate(ctx, store.EscalationPolicyParams{ConnectionID: f.conn.ID, Name: fmt.Sprintf("Ladder %d", i),
			Levels: []store.EscalationLevel{{Roles: []string{store.RoleCFO}, Timeout: store.JSONDuration(30 * time.Minute)}}}); err != nil {
			return err
		}
	}
	for i := range f.spareRules {
		r, err := f.store.AlertRuleCreate(ctx, store.AlertRuleParams{ConnectionID: f.conn.ID, Name: fmt.Sprintf("Spare %d", i), Source: store.RuleSourceMetric,
			Expression: "finance.cash.runway_days < threshold", Threshold: 10, Priority: store.PriorityLow, Enabled: true})
		if err != nil {
			return err
		}
		f.spareRules[i] = r.ID
	}
	for _, t := range []string{"payment_reminder", "deal_meeting"} {
		a, _, err := f.store.ActionCreate(ctx, store.ActionCreateParams{ConnectionID: f.conn.ID, IdempotencyKey: t + ":1", ActionType: t,
			Subject: "account.move:7", GroupKey: t + ":kind", Description: "Do " + t + " <img src=x>", Reasoning: "Because <b>overdue</b>",
			Evidence:   []byte(`{"facts":{"residual":1200},"refs":[{"model":"account.move","ids":[7],"url":"javascript:alert(1)"},{"model":"res.partner","ids":[3],"url":"https://acme.odoo.com/web#id=3"}]}`),
			PolicyMode: "approve", Status: store.ActionPending})
		if err != nil {
			return err
		}
		f.actionIDs[t] = a.ID
	}
	return nil
}

// testChannels implements ChannelTester: in-app and email are configured,
// SMS is not. An email test to an address without "@" fails as a real
// channel would; err, when set, fails every send.
type testChannels struct {
	mu   sync.Mutex
	sent []string
	err  error
}

func (c *testChannels) Channels(ctx context.Context) []ChannelStatus {
	return []ChannelStatus{
		{Name: "inapp", Configured: true, Detail: "shown in the dashboard", RecipientHint: "a username"},
		{Name: "email", Configured: true, Detail: "SMTP through smtp.example.com as aicoo@example.com", RecipientHint: "an email address"},
		{Name: "sms", Configured: false, Detail: "set twilio.account_sid, twilio.auth_token and twilio.from", RecipientHint: "+32470123456"},
	}
}

func (c *testChannels) SendTest(ctx context.Context, connectionID int64, channel, recipient string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	if channel == "email" && !strings.Contains(recipient, "@") {
		return fmt.Errorf("notify: test email: recipient %q is not an email address", recipient)
	}
	c.sent = append(c.sent, fmt.Sprintf("%d %s %s", connectionID, channel, recipient))
	return nil
}

func (c *testChannels) Sent() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.sent...)
}

// testImpact implements ImpactReporter with fixed rates: payment
// reminders (finance roles) with known outcomes, deal meetings (sales
// roles) with none yet. It records the since it was asked for.
type testImpact struct {
	mu    sync.Mutex
	since []time.Time
	err   error
}

func (f *testImpact) ImpactRates(ctx context.Context, connectionID int64, since time.Time) ([]ImpactRate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.since = append(f.since, since)
	if f.err != nil {
		return nil, f.err
	}
	return []ImpactRate{
		{ActionType: "payment_reminder", Executed: 11, Improved: 6, NotImproved: 2, Pending: 1, Unknown: 1, RolledBack: 1, Rate: 0.75},
		{ActionType: "deal_meeting", Executed: 3, Pending: 3, Rate: math.NaN()},
		// A type that did not run in the period is not listed.
		{ActionType: "chatter_note", Rate: math.NaN()},
	}, nil
}

// quickHash is auth.HashPassword at bcrypt's lowest cost, so tests that set
// passwords stay fast under the race detector. A password that breaks the
// rules goes to auth.HashPassword itself, which refuses it before hashing,
// so the rules and their messages are the product's.
func quickHash(password string) (string, error) {
	if utf8.RuneCountInString(password) < auth.MinPasswordLength || len(password) > 72 {
		return auth.HashPassword(password)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	return string(h), err
}
