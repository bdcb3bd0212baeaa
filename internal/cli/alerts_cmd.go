package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/store"
)

// actor resolves --as: the named user of the connection, or its first
// admin when the name is empty.
func (o *opsEnv) actor(ctx context.Context, username string) (alerts.Actor, error) {
	if username != "" {
		u, err := o.s.UserByUsername(ctx, o.conn.ID, username)
		if errors.Is(err, store.ErrNotFound) {
			return alerts.Actor{}, fmt.Errorf("--as %q: no such user on connection %q", username, o.conn.Name)
		}
		if err != nil {
			return alerts.Actor{}, err
		}
		if u.Disabled {
			return alerts.Actor{}, fmt.Errorf("--as %q: the user is disabled", username)
		}
		return alerts.Actor{UserID: u.ID, Username: u.Username}, nil
	}
	users, err := o.s.UserList(ctx, o.conn.ID)
	if err != nil {
		return alerts.Actor{}, err
	}
	for _, u := range users {
		if u.Role == store.RoleAdmin && !u.Disabled {
			return alerts.Actor{UserID: u.ID, Username: u.Username}, nil
		}
	}
	return alerts.Actor{}, fmt.Errorf("connection %q has no active admin to act as: pass --as USERNAME", o.conn.Name)
}

// parseID parses a positional numeric id.
func parseID(what, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s id %q is not a positive number", what, s)
	}
	return id, nil
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseMatcher parses a silence matcher: name=value, name!=value,
// name=~regexp or name!~regexp.
func parseMatcher(s string) (store.SilenceMatcher, error) {
	i := strings.IndexAny(s, "=!")
	if i <= 0 {
		return store.SilenceMatcher{}, fmt.Errorf("--match %q: want label=value, label!=value, label=~regexp or label!~regexp", s)
	}
	name, rest := s[:i], s[i:]
	for _, op := range []string{"=~", "!~", "!=", "="} {
		if v, ok := strings.CutPrefix(rest, op); ok {
			return store.SilenceMatcher{Name: strings.TrimSpace(name), Op: op, Value: v}, nil
		}
	}
	return store.SilenceMatcher{}, fmt.Errorf("--match %q: want label=value, label!=value, label=~regexp or label!~regexp", s)
}

func alertsCommand() command {
	return command{
		name:  "alerts",
		usage: " list|show|ack|resolve|dismiss|snooze|silence [ID]",
		summary: `Work the alert queue from the shell.
  aicoo alerts list [--open] [--priority P]    list alerts, newest first
  aicoo alerts show ID                         one alert with its event history
  aicoo alerts ack ID [--note N] [--ack-timeout 1h]   acknowledge (stops escalation)
  aicoo alerts resolve ID --note N             resolve, saying why
  aicoo alerts dismiss ID --note N             dismiss, saying why
  aicoo alerts snooze ID --for 2h [--note N]   keep one alert quiet for a while
  aicoo alerts silence --match rule=NAME [--match label=~re ...] --for 4h --comment C
Silence matchers see the labels rule, area, kind, subject, company_id, priority, status,
type, fingerprint and the rule's own labels.
Actions are recorded as --as USERNAME (default: the connection's first admin).`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			openOnly := fs.Bool("open", false, "list only new and acknowledged alerts")
			prio := fs.String("priority", "", "list only alerts of this `priority` (critical, high, medium, low)")
			limit := fs.Int("limit", 100, "list at most this many alerts")
			asJSON := fs.Bool("json", false, "list and show: print JSON (shapes in docs/cli.md)")
			as := fs.String("as", "", "act as this `username` (default: the connection's first admin)")
			note := fs.String("note", "", "why: required by resolve and dismiss")
			dur := fs.String("for", "", "`duration` of a snooze or a silence, e.g. 2h or 30m")
			comment := fs.String("comment", "", "what a silence is for (required)")
			ackTimeout := fs.String("ack-timeout", "", "with ack: return the alert to new if still open after this `duration`, e.g. 1h")
			var matches listFlag
			fs.Var(&matches, "match", "silence matcher `label=value` (also !=, =~, !~); repeat for more")
			return func(ctx context.Context, e *env) error {
				if len(e.args) == 0 {
					return errUsage
				}
				action := e.args[0]
				wantArgs := 2
				switch action {
				case "list", "silence":
					wantArgs = 1
				case "show", "ack", "resolve", "dismiss", "snooze":
				default:
					return usageErrorf("unknown action %q: want list, show, ack, resolve, dismiss, snooze or silence", action)
				}
				if len(e.args) != wantArgs {
					if wantArgs == 2 {
						return usageErrorf("%s needs one alert ID", action)
					}
					return usageErrorf("%s takes no argument, got %q", action, e.args[1])
				}
				var id int64
				if wantArgs == 2 {
					var err error
					if id, err = parseID("alert", e.args[1]); err != nil {
						return err
					}
				}
				var d time.Duration
				if action == "snooze" || action == "silence" {
					if *dur == "" {
						return usageErrorf("%s needs --for, e.g. --for 2h", action)
					}
					var err error
					if d, err = time.ParseDuration(*dur); err != nil || d <= 0 {
						return fmt.Errorf("--for %q is not a positive duration (e.g. 30m, 2h, 72h)", *dur)
					}
				}
				var ackFor time.Duration
				if *ackTimeout != "" {
					var err error
					if ackFor, err = time.ParseDuration(*ackTimeout); err != nil || ackFor <= 0 {
						return fmt.Errorf("--ack-timeout %q is not a positive duration (e.g. 30m, 1h)", *ackTimeout)
					}
				}
				if *prio != "" && store.PriorityRank(*prio) >= 4 {
					return fmt.Errorf("--priority %q: want critical, high, medium or low", *prio)
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				eng := alerts.New(o.s, alerts.Config{BaseURL: o.cfg.PublicURL()})
				switch action {
				case "list":
					return alertsList(ctx, e.stdout, o, *openOnly, *prio, *limit, *asJSON)
				case "show":
					return alertShow(ctx, e.stdout, o, id, *asJSON)
				case "silence":
					return alertsSilence(ctx, e.stdout, o, eng, *as, matches, d, *comment)
				}
				by, err := o.actor(ctx, *as)
				if err != nil {
					return err
				}
				var a *store.AlertDetail
				switch action {
				case "ack":
					a, err = eng.Acknowledge(ctx, o.conn.ID, id, by, *note, ackFor)
				case "resolve":
					a, err = eng.Resolve(ctx, o.conn.ID, id, by, *note)
				case "dismiss":
					a, err = eng.Dismiss(ctx, o.conn.ID, id, by, *note)
				case "snooze":
					a, err = eng.Snooze(ctx, o.conn.ID, id, by, d, *note)
				}
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("no alert %d on connection %q", id, o.conn.Name)
				}
				if err != nil {
					return err
				}
				switch {
				case action == "snooze":
					fmt.Fprintf(e.stdout, "alert %d snoozed by %s until %s\n", a.ID, by.Username, stamp(a.SnoozedUntil))
				case action == "ack" && !a.AckExpiresAt.IsZero():
					fmt.Fprintf(e.stdout, "alert %d %s by %s until %s\n", a.ID, a.Status, by.Username, stamp(a.AckExpiresAt))
				default:
					fmt.Fprintf(e.stdout, "alert %d %s by %s\n", a.ID, a.Status, by.Username)
				}
				return nil
			}
		},
	}
}

func alertsList(ctx context.Context, w io.Writer, o *opsEnv, openOnly bool, prio string, limit int, asJSON bool) error {
	if limit <= 0 {
		return fmt.Errorf("--limit %d is not positive", limit)
	}
	list, err := o.s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: o.conn.ID, OpenOnly: openOnly})
	if err != nil {
		return err
	}
	if asJSON {
		out := []alertJSON{}
		for _, a := range list {
			if prio != "" && a.Priority != prio {
				continue
			}
			if len(out) == limit {
				break
			}
			out = append(out, alertOf(a))
		}
		return writeJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPRIORITY\tSTATUS\tSEEN\tLAST SEEN\tTITLE")
	n := 0
	for _, a := range list {
		if prio != "" && a.Priority != prio {
			continue
		}
		if n == limit {
			break
		}
		n++
		status := a.Status
		if a.SnoozedUntil.After(time.Now()) && a.Open() {
			status += " (snoozed)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", a.ID, a.Priority, status, a.Occurrences, stamp(a.LastSeenAt), a.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintln(w, "no alerts")
	}
	return nil
}

func alertShow(ctx context.Context, w io.Writer, o *opsEnv, id int64, asJSON bool) error {
	a, err := o.s.AlertGet(ctx, o.conn.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no alert %d on connection %q", id, o.conn.Name)
	}
	if err != nil {
		return err
	}
	if asJSON {
		out := alertOf(a)
		if a.RuleID != 0 {
			if r, err := o.s.AlertRuleByID(ctx, a.RuleID); err == nil {
				out.Rule = r.Name
			}
		}
		events, err := o.s.AlertEventList(ctx, a.ID)
		if err != nil {
			return err
		}
		out.Events = []alertEventJSON{}
		for _, ev := range events {
			out.Events = append(out.Events, alertEventJSON{At: ev.At.UTC(), Action: ev.Action, Actor: ev.Actor, Note: ev.Note})
		}
		return writeJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" && v != "-" && v != "0" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, v)
		}
	}
	row("Alert", strconv.FormatInt(a.ID, 10))
	row("Title", a.Title)
	row("Priority", a.Priority)
	row("Status", a.Status)
	row("Type", a.Type)
	row("Subject", a.Subject)
	if a.RuleID != 0 {
		if r, err := o.s.AlertRuleByID(ctx, a.RuleID); err == nil {
			row("Rule", r.Name)
		}
	}
	if len(a.Labels) > 0 {
		var ls []string
		for _, k := range slices.Sorted(maps.Keys(a.Labels)) {
			ls = append(ls, k+"="+a.Labels[k])
		}
		row("Labels", strings.Join(ls, " "))
	}
	row("Occurrences", strconv.Itoa(a.Occurrences))
	row("First seen", stamp(a.CreatedAt))
	row("Last seen", stamp(a.LastSeenAt))
	row("Acknowledged", stamp(a.AcknowledgedAt))
	row("Resolved", stamp(a.ResolvedAt))
	row("Resolution note", a.ResolutionNote)
	row("Snoozed until", stamp(a.SnoozedUntil))
	if a.PreviousAlertID != 0 {
		row("Previous occurrence", fmt.Sprintf("alert %d", a.PreviousAlertID))
	}
	row("Description", a.Description)
	if err := tw.Flush(); err != nil {
		return err
	}
	events, err := o.s.AlertEventList(ctx, a.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nHistory (%d events):\n", len(events))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  AT\tACTION\tBY\tNOTE")
	for _, ev := range events {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", ev.At.UTC().Format("2006-01-02 15:04:05"), ev.Action, ev.Actor, ev.Note)
	}
	return tw.Flush()
}

func alertsSilence(ctx context.Context, w io.Writer, o *opsEnv, eng *alerts.Engine, as string, matches []string, d time.Duration, comment string) error {
	if len(matches) == 0 {
		return errors.New("silence needs at least one --match label=value (e.g. --match 'rule=Cash runway' or --match kind=stalled_deal)")
	}
	if strings.TrimSpace(comment) == "" {
		return errors.New("silence needs --comment saying why")
	}
	var ms []store.SilenceMatcher
	for _, m := range matches {
		sm, err := parseMatcher(m)
		if err != nil {
			return err
		}
		ms = append(ms, sm)
	}
	by, err := o.actor(ctx, as)
	if err != nil {
		return err
	}
	now := time.Now()
	si, err := eng.SilenceCreate(ctx, store.SilenceParams{ConnectionID: o.conn.ID, Matchers: ms, StartsAt: now, EndsAt: now.Add(d),
		CreatedBy: by.UserID, Comment: comment})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "silence %d created by %s until %s\n", si.ID, by.Username, stamp(si.EndsAt))
	return nil
}
