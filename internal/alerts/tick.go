package alerts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// Notification kinds.
const (
	KindAlert      = "alert"      // a group's new or changed alerts
	KindRepeat     = "repeat"     // a group still firing after its repeat interval
	KindEscalation = "escalation" // an unacknowledged alert reaching the next level
	KindDigest     = "digest"     // what the daily cap held back
)

// Notification is one message for one user on one channel. MessageKey is
// stable for a decision, so (MessageKey, Channel, UserID) is unique: a
// delivery outbox can use it as its idempotency key.
type Notification struct {
	ConnectionID int64
	MessageKey   string
	Kind         string
	Channel      string
	UserID       int64
	// AlertID is the most urgent alert of the message (0 for a digest of
	// several); AlertIDs lists them all.
	AlertID  int64
	AlertIDs []int64
	Priority string
	Subject  string
	Body     string
	Link     string
}

// Notifier takes notifications for delivery. Enqueue runs inside the
// transaction that decided the notification (sqlTx, and tx, the store bound
// to it), so an outbox row and its River job written there commit or roll
// back with the decision.
type Notifier interface {
	Enqueue(ctx context.Context, sqlTx *sql.Tx, tx *store.Store, n Notification) error
}

// TickResult counts what one tick did.
type TickResult struct {
	Notifications int // handed to the notifier (one per user and channel)
	Held          int // alerts held back by the daily cap (per user and channel)
	Escalations   int // escalation steps taken
	Digests       int // digest notifications
	AckExpired    int
	Unsnoozed     int
	Adopted       int // alerts raised elsewhere given their rule
}

func (r *TickResult) add(o TickResult) {
	r.Notifications += o.Notifications
	r.Held += o.Held
	r.Escalations += o.Escalations
	r.Digests += o.Digests
	r.AckExpired += o.AckExpired
	r.Unsnoozed += o.Unsnoozed
	r.Adopted += o.Adopted
}

// Tick runs the periodic work of every connection: expired
// acknowledgements return to new, ended snoozes, group notifications
// (group wait, group interval, repeat interval), escalation steps and the
// digests of past days. Each connection is one transaction. A River
// periodic job calls it every few seconds to a minute; timings are honoured
// to the tick's granularity.
func (e *Engine) Tick(ctx context.Context) (TickResult, error) {
	var total TickResult
	if e.notifier == nil {
		return total, errors.New("alerts: tick: no notifier configured")
	}
	conns, err := e.s.Connections(ctx)
	if err != nil {
		return total, fmt.Errorf("alerts: tick: %w", err)
	}
	for _, c := range conns {
		r, err := e.TickConnection(ctx, c.ID)
		total.add(r)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// tickState is what one connection's tick reads once.
type tickState struct {
	sqlTx    *sql.Tx
	now      time.Time
	rules    map[int64]*store.AlertRule
	policies map[int64]*store.EscalationPolicy
	// byPriority are the policies attached to priorities.
	byPriority map[string]*store.EscalationPolicy
	users      []*store.User
	// prefs are the users' notification preferences, roles their roles
	// and zones their time zones, by user id (enabled users only).
	prefs    map[int64]store.NotifyPrefs
	roles    map[int64]string
	zones    map[int64]*time.Location
	silences []*compiledSilence
	open     []*store.AlertDetail
}

// TickConnection runs the tick for one connection in one transaction.
func (e *Engine) TickConnection(ctx context.Context, connectionID int64) (TickResult, error) {
	var tr TickResult
	now := e.now().UTC()
	err := e.s.InSQLTx(ctx, func(sqlTx *sql.Tx, tx *store.Store) error {
		tr = TickResult{}
		exp, err := tx.AlertAckExpire(ctx, connectionID, now)
		if err != nil {
			return err
		}
		tr.AckExpired = len(exp)
		un, err := tx.AlertUnsnoozeDue(ctx, connectionID, now)
		if err != nil {
			return err
		}
		tr.Unsnoozed = len(un)
		st, err := e.loadTickState(ctx, tx, connectionID, now)
		if err != nil {
			return err
		}
		st.sqlTx = sqlTx
		if tr.Adopted, err = adopt(ctx, tx, st); err != nil {
			return err
		}
		if err := e.flushGroups(ctx, tx, connectionID, st, &tr); err != nil {
			return err
		}
		if err := e.escalate(ctx, tx, connectionID, st, &tr); err != nil {
			return err
		}
		return e.sendDigests(ctx, tx, connectionID, st, &tr)
	})
	if err != nil {
		return tr, fmt.Errorf("alerts: tick of connection %d: %w", connectionID, err)
	}
	return tr, nil
}

func (e *Engine) loadTickState(ctx context.Context, tx *store.Store, connectionID int64, now time.Time) (*tickState, error) {
	st := &tickState{now: now, rules: map[int64]*store.AlertRule{}, policies: map[int64]*store.EscalationPolicy{},
		byPriority: map[string]*store.EscalationPolicy{}}
	rules, err := tx.AlertRuleList(ctx, connectionID, false)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		st.rules[r.ID] = r
	}
	pols, err := tx.EscalationPolicyList(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	for _, p := range pols {
		st.policies[p.ID] = p
		for _, pr := range p.Priorities {
			st.byPriority[pr] = p
		}
	}
	users, err := tx.UserList(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	st.roles, st.zones = map[int64]string{}, map[int64]*time.Location{}
	for _, u := range users {
		if u.Disabled {
			continue
		}
		st.users = append(st.users, u)
		st.roles[u.ID], st.zones[u.ID] = u.Role, time.UTC
		if loc, err := time.LoadLocation(u.Timezone); err == nil && u.Timezone != "" {
			st.zones[u.ID] = loc
		}
	}
	if st.prefs, err = tx.NotifyPrefsList(ctx, connectionID); err != nil {
		return nil, err
	}
	sils, err := tx.SilenceList(ctx, connectionID, now)
	if err != nil {
		return nil, err
	}
	for _, si := range sils {
		if !si.Active(now) {
			continue
		}
		cs, err := compileSilence(si.Matchers)
		if err != nil {
			return nil, fmt.Errorf("silence %d: %w", si.ID, err)
		}
		st.silences = append(st.silences, cs)
	}
	st.open, err = tx.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: connectionID, OpenOnly: true, Limit: 100000})
	return st, err
}

// policyFor is the escalation policy an alert climbs: its rule's, else
// the one attached to its priority (as it is now), else none.
func (st *tickState) policyFor(a *store.AlertDetail) *store.EscalationPolicy {
	if a.EscalationPolicyID != 0 {
		return st.policies[a.EscalationPolicyID]
	}
	return st.byPriority[a.Priority]
}

// adopt gives alerts raised outside Evaluate (the job engine's failing-job
// alert, or alerts raised before rules existed) the rule that routes them.
func adopt(ctx context.Context, tx *store.Store, st *tickState) (int, error) {
	n := 0
	for _, a := range st.open {
		if a.RuleID != 0 {
			continue
		}
		for _, r := range st.rules {
			kind, subject, ok := legacyInsight(a.Fingerprint)
			match := r.Source == store.RuleSourceAlert && matchesAlert(r, a) ||
				ok && r.Builtin != "" && r.Source == store.RuleSourceInsight && r.InsightKind == kind
			if !match {
				continue
			}
			if subject == "" {
				subject = a.Fingerprint
			}
			an := annotation(r, a.Type, Firing{Subject: subject})
			if err := tx.AlertAnnotate(ctx, a.ID, an); err != nil {
				return n, err
			}
			a.RuleID, a.Subject, a.Labels, a.EscalationPolicyID = r.ID, subject, an.Labels, an.EscalationPolicyID
			n++
			break
		}
	}
	return n, nil
}

func legacyInsight(fp string) (kind, subject string, ok bool) {
	rest, ok := strings.CutPrefix(fp, insightPrefix)
	if !ok {
		return "", "", false
	}
	kind, subject, ok = strings.Cut(rest, ":")
	return kind, subject, ok
}

// labelsOf are the labels silences match: the alert's own plus priority,
// status, type and fingerprint.
func labelsOf(a *store.AlertDetail) map[string]string {
	l := map[string]string{}
	for k, v := range a.Labels {
		l[k] = v
	}
	l["priority"], l["status"], l["type"], l["fingerprint"] = a.Priority, a.Status, a.Type, a.Fingerprint
	if a.Subject != "" {
		l["subject"] = a.Subject
	}
	return l
}

// quiet says why an alert must not be notified or escalated now ("" when
// it may be).
func quiet(st *tickState, a *store.AlertDetail) string {
	if !a.SnoozedUntil.IsZero() && st.now.Before(a.SnoozedUntil) {
		return "snoozed"
	}
	labels := labelsOf(a)
	for _, s := range st.silences {
		if s.matches(labels) {
			return "silenced"
		}
	}
	if a.Subject != "" && a.Priority != store.PriorityCritical {
		for _, b := range st.open {
			if b.ID != a.ID && b.Subject == a.Subject && b.Priority == store.PriorityCritical {
				return "inhibited"
			}
		}
	}
	return ""
}

type compiledSilence struct {
	matchers []store.SilenceMatcher
	res      []*regexp.Regexp
}

func compileSilence(ms []store.SilenceMatcher) (*compiledSilence, error) {
	if len(ms) == 0 {
		return nil, errors.New("a silence needs at least one matcher")
	}
	cs := &compiledSilence{matchers: ms, res: make([]*regexp.Regexp, len(ms))}
	for i, m := range ms {
		if !labelName.MatchString(m.Name) {
			return nil, fmt.Errorf("matcher %d: label name %q is not a word of letters, digits and _", i+1, m.Name)
		}
		switch m.Op {
		case "=", "!=":
		case "=~", "!~":
			re, err := regexp.Compile("^(?:" + m.Value + ")$")
			if err != nil {
				return nil, fmt.Errorf("matcher %d (%s%s%s): %w", i+1, m.Name, m.Op, m.Value, err)
			}
			cs.res[i] = re
		default:
			return nil, fmt.Errorf("matcher %d: operator %q is not =, !=, =~ or !~", i+1, m.Op)
		}
	}
	return cs, nil
}

func (cs *compiledSilence) matches(labels map[string]string) bool {
	for i, m := range cs.matchers {
		v := labels[m.Name]
		var ok bool
		switch m.Op {
		case "=":
			ok = v == m.Value
		case "!=":
			ok = v != m.Value
		case "=~":
			ok = cs.res[i].MatchString(v)
		case "!~":
			ok = !cs.res[i].MatchString(v)
		}
		if !ok {
			return false
		}
	}
	return true
}

func groupKey(a *store.AlertDetail) string {
	if a.RuleID != 0 {
		return "rule:" + strconv.FormatInt(a.RuleID, 10)
	}
	return "type:" + a.Type
}

func durOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// flushGroups schedules and sends the group notifications.
func (e *Engine) flushGroups(ctx context.Context, tx *store.Store, connectionID int64, st *tickState, tr *TickResult) error {
	groups := map[string][]*store.AlertDetail{}
	for _, a := range st.open {
		if r := st.rules[a.RuleID]; r != nil && !r.Enabled {
			continue // a disabled rule notifies nobody
		}
		groups[groupKey(a)] = append(groups[groupKey(a)], a)
	}
	for _, key := range sortedKeys(groups) {
		alerts := groups[key]
		var rule *store.AlertRule
		if alerts[0].RuleID != 0 {
			rule = st.rules[alerts[0].RuleID]
		}
		wait, interval, repeat := GroupWaitDefault, GroupIntervalDefault, RepeatIntervalDefault
		if rule != nil {
			wait, interval, repeat = durOr(rule.GroupWait, wait), durOr(rule.GroupInterval, interval), durOr(rule.RepeatInterval, repeat)
		}
		var pending, firing []*store.AlertDetail
		for _, a := range alerts {
			if a.Status != store.AlertNew || quiet(st, a) != "" {
				continue
			}
			firing = append(firing, a)
			if a.NotifyPending {
				pending = append(pending, a)
			}
		}
		g, err := tx.AlertGroupGet(ctx, connectionID, key)
		if err != nil {
			return err
		}
		if len(pending) > 0 && g.NextFlushAt.IsZero() {
			// Group wait counts from when the earliest pending alert became
			// pending (raised, or back after a snooze or an expired ack).
			since := st.now
			for _, a := range pending {
				t := a.UpdatedAt
				if a.NotifiedAt.IsZero() {
					t = a.CreatedAt
				}
				if t.Before(since) {
					since = t
				}
			}
			if g.LastFlushAt.IsZero() || since.Sub(g.LastFlushAt) >= interval {
				g.NextFlushAt = since.Add(wait)
			} else {
				g.NextFlushAt = g.LastFlushAt.Add(interval)
			}
		}
		kind := ""
		var send []*store.AlertDetail
		switch {
		case !g.NextFlushAt.IsZero() && !st.now.Before(g.NextFlushAt):
			g.NextFlushAt = time.Time{}
			if len(pending) > 0 {
				kind, send = KindAlert, firing
			}
		case !g.NextRepeatAt.IsZero() && !st.now.Before(g.NextRepeatAt):
			if len(firing) > 0 {
				kind, send = KindRepeat, firing
			} else {
				g.NextRepeatAt = time.Time{}
			}
		}
		if kind != "" {
			g.Flushes++
			g.LastFlushAt, g.NextRepeatAt = st.now, st.now.Add(repeat)
			msgKey := fmt.Sprintf("alerts:%s:%d", key, g.Flushes)
			if err := e.sendGroup(ctx, tx, connectionID, st, rule, kind, msgKey, send, tr); err != nil {
				return err
			}
		}
		if err := tx.AlertGroupPut(ctx, g); err != nil {
			return err
		}
	}
	return nil
}

// recipients returns who hears about a rule's alerts first, on which
// channels: the rule's user, else the first level of the escalation policy
// p the alerts follow (policyFor), else every enabled user of the
// connection.
func (e *Engine) recipients(st *tickState, rule *store.AlertRule, p *store.EscalationPolicy) ([]int64, []string) {
	channels := e.channels
	if rule != nil && len(rule.Channels) > 0 {
		channels = rule.Channels
	}
	if rule != nil && rule.UserID != 0 {
		return []int64{rule.UserID}, channels
	}
	if p != nil && len(p.Levels) > 0 {
		l := p.Levels[0]
		if len(l.Channels) > 0 {
			channels = l.Channels
		}
		return levelUsers(st, l), channels
	}
	var ids []int64
	for _, u := range st.users {
		ids = append(ids, u.ID)
	}
	return ids, channels
}

func (e *Engine) sendGroup(ctx context.Context, tx *store.Store, connectionID int64, st *tickState, rule *store.AlertRule,
	kind, msgKey string, alerts []*store.AlertDetail, tr *TickResult) error {
	top := alerts[0] // most urgent first (AlertDetailList order)
	users, channels := e.recipients(st, rule, st.policyFor(top))
	critical := top.Priority == store.PriorityCritical
	n := e.message(connectionID, msgKey, kind, alerts)
	day := st.now.Format(time.DateOnly)
	// Shared targets (a Slack or Discuss channel, a webhook) get one post
	// per message, as the rule says: they are no one's personal channel,
	// so neither a person's role nor their preferences apply.
	var personal []string
	for _, ch := range channels {
		if !e.chans.Shared(ch) {
			personal = append(personal, ch)
			continue
		}
		n.Channel, n.UserID = ch, 0
		if err := e.notifier.Enqueue(ctx, st.sqlTx, tx, n); err != nil {
			return err
		}
		tr.Notifications++
	}
	channels = personal
	users = e.mayseeUsers(st, users, top.Type)
	for _, u := range users {
		prefs := st.prefs[u]
		if len(prefs.Areas) > 0 && e.cat.IsArea(top.Type) && !slices.Contains(prefs.Areas, top.Type) {
			continue // the person follows other areas
		}
		count, err := tx.AlertNotifyCount(ctx, u, day)
		if err != nil {
			return err
		}
		held := e.cap > 0 && count >= e.cap && !critical
		// The person's own hold: a daily digest, or quiet hours (which a
		// critical alert breaks if they chose so).
		ownHold := !critical && prefs.Digest ||
			prefs.Quiet(st.now, st.location(u)) && !(critical && prefs.CriticalBreaksQuiet)
		for _, ch := range channels {
			kind, _, _ := strings.Cut(ch, ":")
			// The kind every person always gets (in-app) ignores their
			// choices and their own holds.
			k, _ := e.chans.Lookup(kind)
			if !k.Always && !prefs.Takes(kind, top.Priority) {
				continue
			}
			if held || ownHold && !k.Always {
				for _, a := range alerts {
					if err := tx.AlertDigestAdd(ctx, connectionID, store.AlertDigestItem{UserID: u, Day: day, AlertID: a.ID, Channel: ch}); err != nil {
						return err
					}
				}
				tr.Held++
				continue
			}
			n.Channel, n.UserID = ch, u
			if err := e.notifier.Enqueue(ctx, st.sqlTx, tx, n); err != nil {
				return err
			}
			tr.Notifications++
		}
		if !held {
			if err := tx.AlertNotifyCountAdd(ctx, connectionID, u, day); err != nil {
				return err
			}
		}
	}
	for _, a := range alerts {
		if err := tx.AlertMarkNotified(ctx, a.ID, st.now); err != nil {
			return err
		}
		if _, err := tx.AlertEventAppend(ctx, store.AlertEventParams{ConnectionID: connectionID, AlertID: a.ID, At: st.now,
			Action: store.AlertEventNotified, Note: fmt.Sprintf("%s notification %s to %d user(s) on %s", kind, msgKey, len(users),
				strings.Join(channels, ", "))}); err != nil {
			return err
		}
		// The first notification starts the escalation clock.
		if p := st.policyFor(a); p != nil && len(p.Levels) > 0 && a.NotifiedAt.IsZero() && a.EscalationNextAt.IsZero() {
			if err := tx.AlertSetEscalation(ctx, a.ID, 0, 0, st.now.Add(time.Duration(p.Levels[0].Timeout))); err != nil {
				return err
			}
		}
	}
	return nil
}

// message renders the alerts of one notification.
func (e *Engine) message(connectionID int64, key, kind string, alerts []*store.AlertDetail) Notification {
	top := alerts[0]
	n := Notification{ConnectionID: connectionID, MessageKey: key, Kind: kind, AlertID: top.ID, Priority: top.Priority}
	var b strings.Builder
	for _, a := range alerts {
		n.AlertIDs = append(n.AlertIDs, a.ID)
		fmt.Fprintf(&b, "[%s] %s\n", a.Priority, a.Title)
		if a.Description != "" {
			fmt.Fprintf(&b, "    %s\n", a.Description)
		}
	}
	switch {
	case kind == KindDigest:
		n.AlertID = 0
		n.Subject = fmt.Sprintf("Digest: %d alert(s) held back by your daily limit", len(alerts))
	case len(alerts) == 1:
		n.Subject = fmt.Sprintf("[%s] %s", top.Priority, top.Title)
	default:
		n.Subject = fmt.Sprintf("[%s] %s and %d more", top.Priority, top.Title, len(alerts)-1)
	}
	if kind == KindRepeat {
		n.Subject = "Still open: " + n.Subject
	}
	if kind == KindEscalation {
		n.Subject = "Escalated: " + n.Subject
	}
	n.Body = b.String()
	if e.baseURL != "" {
		n.Link = e.baseURL + "/alerts"
		if n.AlertID != 0 {
			n.Link += "/" + strconv.FormatInt(n.AlertID, 10)
		}
	}
	return n
}

// escalate takes the due escalation steps: the next level is notified; past
// the last level the ladder starts again, up to the policy's repeat count.
func (e *Engine) escalate(ctx context.Context, tx *store.Store, connectionID int64, st *tickState, tr *TickResult) error {
	due, err := tx.AlertEscalationDue(ctx, connectionID, st.now)
	if err != nil {
		return err
	}
	for _, a := range due {
		p := st.policyFor(a)
		if p == nil || len(p.Levels) == 0 {
			if err := tx.AlertSetEscalation(ctx, a.ID, a.EscalationLevel, a.EscalationRound, time.Time{}); err != nil {
				return err
			}
			continue
		}
		if why := quiet(st, a); why != "" {
			continue // due again as soon as it is not quiet
		}
		level, round := a.EscalationLevel+1, a.EscalationRound
		if level >= len(p.Levels) {
			level, round = 0, round+1
		}
		if round > p.Repeat {
			if err := tx.AlertSetEscalation(ctx, a.ID, a.EscalationLevel, a.EscalationRound, time.Time{}); err != nil {
				return err
			}
			if _, err := tx.AlertEventAppend(ctx, store.AlertEventParams{ConnectionID: connectionID, AlertID: a.ID, At: st.now,
				Action: store.AlertEventEscalationEnded, Note: fmt.Sprintf("policy %q climbed %d time(s) without an acknowledgement", p.Name, p.Repeat+1)}); err != nil {
				return err
			}
			continue
		}
		l := p.Levels[level]
		channels := l.Channels
		if len(channels) == 0 {
			channels = e.channels
		}
		n := e.message(connectionID, fmt.Sprintf("alerts:escalation:%d:%d:%d", a.ID, round, level), KindEscalation, []*store.AlertDetail{a})
		day := st.now.Format(time.DateOnly)
		who := e.mayseeUsers(st, levelUsers(st, l), a.Type)
		for _, u := range who {
			for _, ch := range channels {
				n.Channel, n.UserID = ch, u
				if err := e.notifier.Enqueue(ctx, st.sqlTx, tx, n); err != nil {
					return err
				}
				tr.Notifications++
			}
			if err := tx.AlertNotifyCountAdd(ctx, connectionID, u, day); err != nil {
				return err
			}
		}
		tr.Escalations++
		if err := tx.AlertSetEscalation(ctx, a.ID, level, round, st.now.Add(time.Duration(l.Timeout))); err != nil {
			return err
		}
		if _, err := tx.AlertEventAppend(ctx, store.AlertEventParams{ConnectionID: connectionID, AlertID: a.ID, At: st.now,
			Action: store.AlertEventEscalated, Note: fmt.Sprintf("policy %q level %d (round %d): %d user(s) on %s",
				p.Name, level+1, round+1, len(who), strings.Join(channels, ", "))}); err != nil {
			return err
		}
	}
	return nil
}

// mayseeUsers keeps the users whose role sees the alerts of area (an alert type
// outside the catalogue's areas, like a failing job, is seen by everyone
// who can view). A disabled or unknown user is dropped.
func (e *Engine) mayseeUsers(st *tickState, ids []int64, area string) []int64 {
	out := ids[:0:0]
	for _, id := range ids {
		if r, ok := st.roles[id]; ok && e.access.CanSeeArea(r, area) {
			out = append(out, id)
		}
	}
	return out
}

// location is the time zone of user id (UTC when unknown or invalid).
func (st *tickState) location(id int64) *time.Location {
	if loc := st.zones[id]; loc != nil {
		return loc
	}
	return time.UTC
}

// levelUsers are the people a level notifies: its users and the enabled
// users of its roles, each once, in id order.
func levelUsers(st *tickState, l store.EscalationLevel) []int64 {
	ids := slices.Clone(l.UserIDs)
	for _, u := range st.users {
		if slices.Contains(l.Roles, u.Role) {
			ids = append(ids, u.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// sendDigests sends, per user and past day, the alerts the cap held back.
func (e *Engine) sendDigests(ctx context.Context, tx *store.Store, connectionID int64, st *tickState, tr *TickResult) error {
	items, err := tx.AlertDigestDue(ctx, connectionID, st.now.Format(time.DateOnly))
	if err != nil {
		return err
	}
	type key struct {
		user int64
		day  string
	}
	byUser := map[key]map[string][]int64{}
	var order []key
	for _, it := range items {
		k := key{it.UserID, it.Day}
		if byUser[k] == nil {
			byUser[k] = map[string][]int64{}
			order = append(order, k)
		}
		byUser[k][it.Channel] = append(byUser[k][it.Channel], it.AlertID)
	}
	for _, k := range order {
		if st.prefs[k.user].Quiet(st.now, st.location(k.user)) {
			continue // sent when the person's quiet hours end
		}
		for _, ch := range sortedKeys(byUser[k]) {
			var alerts []*store.AlertDetail
			for _, id := range byUser[k][ch] {
				a, err := tx.AlertGet(ctx, connectionID, id)
				if err != nil {
					return err
				}
				alerts = append(alerts, a)
			}
			n := e.message(connectionID, fmt.Sprintf("alerts:digest:%d:%s", k.user, k.day), KindDigest, alerts)
			n.Channel, n.UserID = ch, k.user
			if err := e.notifier.Enqueue(ctx, st.sqlTx, tx, n); err != nil {
				return err
			}
			tr.Digests++
		}
		if err := tx.AlertDigestDelete(ctx, k.user, k.day); err != nil {
			return err
		}
	}
	return nil
}
