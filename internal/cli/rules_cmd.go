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

// ruleFlags are the flags that define a rule, for create, edit and test.
type ruleFlags struct {
	name, description, source, kind, expr, priority, user string
	threshold                                             float64
	pending, policy                                       int64
	pendingFor, groupWait, groupInterval, repeatInterval  string
	labels, channels                                      listFlag
	disabled                                              bool
}

func (rf *ruleFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&rf.name, "name", "", "rule `name` (create; edit renames)")
	fs.StringVar(&rf.description, "description", "", "what the rule watches")
	fs.StringVar(&rf.source, "source", "", "metric or insight (default: insight with --kind, else metric)")
	fs.StringVar(&rf.kind, "kind", "", "insight `kind` an insight rule matches, e.g. stalled_deal")
	fs.StringVar(&rf.expr, "expr", "", "condition `expression` (expr language), e.g. 'finance.cash.runway_days < threshold'")
	fs.Float64Var(&rf.threshold, "threshold", 0, "value of the threshold variable in the expression")
	fs.StringVar(&rf.priority, "priority", "", "critical, high, medium, low, insight, or an expression giving one (create: default high)")
	fs.Int64Var(&rf.pending, "pending", 0, "evaluations the condition must hold before the alert fires")
	fs.StringVar(&rf.pendingFor, "pending-for", "", "`duration` the condition must hold before the alert fires, e.g. 30m")
	fs.StringVar(&rf.groupWait, "group-wait", "", "wait this `duration` to group a new alert with others of the rule")
	fs.StringVar(&rf.groupInterval, "group-interval", "", "`duration` between notifications of a group's new alerts")
	fs.StringVar(&rf.repeatInterval, "repeat-interval", "", "`duration` before an unchanged group is notified again")
	fs.Var(&rf.labels, "label", "label `key=value` of the rule's alerts; repeat for more (edit: replaces all)")
	fs.Var(&rf.channels, "channel", "notification `channel` (in_app, email, slack, sms, webhook, odoo_discuss, or kind:name); repeat for more")
	fs.StringVar(&rf.user, "user", "", "`username` the rule belongs to (default: org-wide; \"-\" on edit makes it org-wide)")
	fs.Int64Var(&rf.policy, "escalation-policy", 0, "escalation policy `id` (0: none)")
	fs.BoolVar(&rf.disabled, "disabled", false, "create the rule disabled")
}

// apply writes the flags that were set on the command line onto sp.
func (rf *ruleFlags) apply(ctx context.Context, o *opsEnv, fs *flag.FlagSet, sp *alerts.RuleSpec) error {
	var errs []error
	dur := func(flagName, v string, dst *time.Duration) {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("--%s %q is not a duration (e.g. 30s, 10m, 4h)", flagName, v))
			return
		}
		*dst = d
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["name"] {
		sp.Name = rf.name
	}
	if set["description"] {
		sp.Description = rf.description
	}
	if set["source"] {
		sp.Source = rf.source
	}
	if set["kind"] {
		sp.InsightKind = rf.kind
	}
	if set["expr"] {
		sp.Expression = rf.expr
	}
	if set["threshold"] {
		sp.Threshold = rf.threshold
	}
	if set["priority"] {
		sp.Priority = rf.priority
	}
	if set["pending"] {
		if rf.pending < 0 || rf.pending > 1000 {
			errs = append(errs, fmt.Errorf("--pending %d is not between 0 and 1000", rf.pending))
		}
		sp.PendingEvaluations = int(rf.pending)
	}
	if set["pending-for"] {
		dur("pending-for", rf.pendingFor, &sp.PendingFor)
	}
	if set["group-wait"] {
		dur("group-wait", rf.groupWait, &sp.GroupWait)
	}
	if set["group-interval"] {
		dur("group-interval", rf.groupInterval, &sp.GroupInterval)
	}
	if set["repeat-interval"] {
		dur("repeat-interval", rf.repeatInterval, &sp.RepeatInterval)
	}
	if set["label"] {
		sp.Labels = map[string]string{}
		for _, l := range rf.labels {
			k, v, ok := strings.Cut(l, "=")
			if !ok || strings.TrimSpace(k) == "" {
				errs = append(errs, fmt.Errorf("--label %q: want key=value", l))
				continue
			}
			sp.Labels[strings.TrimSpace(k)] = v
		}
	}
	if set["channel"] {
		sp.Channels = slices.Clone(rf.channels)
	}
	if set["escalation-policy"] {
		sp.EscalationPolicyID = rf.policy
	}
	if set["user"] {
		sp.UserID = 0
		if rf.user != "" && rf.user != "-" {
			u, err := o.s.UserByUsername(ctx, o.conn.ID, rf.user)
			if errors.Is(err, store.ErrNotFound) {
				errs = append(errs, fmt.Errorf("--user %q: no such user on connection %q", rf.user, o.conn.Name))
			} else if err != nil {
				return err
			} else {
				sp.UserID = u.ID
			}
		}
	}
	return errors.Join(errs...)
}

// definesRule reports whether the command line defines an ad-hoc rule.
func definesRule(fs *flag.FlagSet) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == "expr" || f.Name == "kind" })
	return found
}

func rulesCommand() command {
	return command{
		name:  "rules",
		usage: " list|show|create|edit|enable|disable|delete|test [NAME]",
		summary: `Manage the alert rules of a connection.
  aicoo rules list                                   every rule, built in or user-defined
  aicoo rules show NAME                              one rule in full
  aicoo rules create --name N --expr EXPR --priority P [--threshold T] [--pending 3] [--label k=v] [--channel email]
  aicoo rules create --name N --kind stalled_deal [--expr 'amount > threshold'] --priority insight
  aicoo rules edit NAME [--expr ...] [--priority ...] ...   change only the flags given
  aicoo rules enable NAME / disable NAME / delete NAME
  aicoo rules test [NAME]                            what would fire now on the latest stored results
                                                     (every enabled rule, NAME, or the rule given by --expr/--kind)
Expressions use the expr language over metrics (finance.cash.runway_days < threshold)
or, for insight rules, over the insight's facts, priority, score and subject.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			var rf ruleFlags
			rf.declare(fs)
			asJSON := fs.Bool("json", false, "list and show: print JSON (shapes in docs/cli.md)")
			return func(ctx context.Context, e *env) error {
				if len(e.args) == 0 {
					return errUsage
				}
				action := e.args[0]
				var name string
				switch action {
				case "list", "create":
					if len(e.args) != 1 {
						return usageErrorf("%s takes no argument, got %q (use --name for the rule's name)", action, e.args[1])
					}
				case "show", "edit", "enable", "disable", "delete":
					if len(e.args) != 2 {
						return usageErrorf("%s needs one rule NAME", action)
					}
					name = e.args[1]
				case "test":
					if len(e.args) > 2 {
						return fmt.Errorf("test takes at most one rule NAME")
					}
					if len(e.args) == 2 {
						name = e.args[1]
					}
				default:
					return usageErrorf("unknown action %q: want list, show, create, edit, enable, disable, delete or test", action)
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				eng := alerts.New(o.s, alerts.Config{})
				byName := func() (*store.AlertRule, error) {
					r, err := o.s.AlertRuleByName(ctx, o.conn.ID, name)
					if errors.Is(err, store.ErrNotFound) {
						return nil, fmt.Errorf("no rule named %q on connection %q (see aicoo rules list)", name, o.conn.Name)
					}
					return r, err
				}
				switch action {
				case "list":
					return rulesList(ctx, e.stdout, o, eng, *asJSON)
				case "show":
					r, err := byName()
					if err != nil {
						return err
					}
					if *asJSON {
						return writeJSON(e.stdout, ruleOf(r, ruleOwner(ctx, o, r)))
					}
					return ruleShow(ctx, e.stdout, o, r)
				case "create":
					if rf.name == "" {
						return errors.New("create needs --name")
					}
					sp := alerts.RuleSpec{Source: store.RuleSourceMetric, Priority: store.PriorityHigh, Enabled: !rf.disabled}
					if rf.kind != "" {
						sp.Source, sp.Priority = store.RuleSourceInsight, alerts.PriorityInsight
					}
					if err := rf.apply(ctx, o, fs, &sp); err != nil {
						return err
					}
					r, err := eng.RuleCreate(ctx, o.conn.ID, sp, alerts.Actor{Username: "cli"})
					if err != nil {
						return err
					}
					state := "enabled"
					if !r.Enabled {
						state = "disabled"
					}
					fmt.Fprintf(e.stdout, "rule %q created (%s, %s)\n", r.Name, r.Priority, state)
					return nil
				case "edit":
					r, err := byName()
					if err != nil {
						return err
					}
					sp := alerts.SpecOf(r)
					if err := rf.apply(ctx, o, fs, &sp); err != nil {
						return err
					}
					if sp.Name != r.Name {
						if _, err := o.s.AlertRuleByName(ctx, o.conn.ID, sp.Name); err == nil {
							return fmt.Errorf("cannot rename %q: a rule named %q already exists", r.Name, sp.Name)
						}
					}
					if _, err := eng.RuleUpdate(ctx, o.conn.ID, r.ID, sp, alerts.Actor{Username: "cli"}); err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "rule %q updated\n", sp.Name)
					return nil
				case "enable", "disable", "delete":
					r, err := byName()
					if err != nil {
						return err
					}
					if action == "delete" {
						err = eng.RuleDelete(ctx, o.conn.ID, r.ID, alerts.Actor{Username: "cli"})
					} else {
						err = eng.RuleSetEnabled(ctx, o.conn.ID, r.ID, action == "enable", alerts.Actor{Username: "cli"})
					}
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "rule %q %sd\n", r.Name, action)
					return nil
				}
				// test
				var specs []alerts.RuleSpec
				switch {
				case name != "":
					r, err := byName()
					if err != nil {
						return err
					}
					if r.Source == store.RuleSourceAlert {
						return fmt.Errorf("rule %q watches aicoo's own alerts, not analysis results: it cannot be tested here", r.Name)
					}
					sp := alerts.SpecOf(r)
					if err := rf.apply(ctx, o, fs, &sp); err != nil {
						return err
					}
					specs = append(specs, sp)
				case definesRule(fs):
					sp := alerts.RuleSpec{Name: "adhoc", Source: store.RuleSourceMetric, Priority: store.PriorityHigh}
					if rf.kind != "" {
						sp.Source, sp.Priority = store.RuleSourceInsight, alerts.PriorityInsight
					}
					if err := rf.apply(ctx, o, fs, &sp); err != nil {
						return err
					}
					specs = append(specs, sp)
				default:
					rules, err := o.s.AlertRuleList(ctx, o.conn.ID, true)
					if err != nil {
						return err
					}
					for _, r := range rules {
						if r.Source != store.RuleSourceAlert {
							specs = append(specs, alerts.SpecOf(r))
						}
					}
				}
				return rulesTest(ctx, e.stdout, o, eng, specs)
			}
		},
	}
}

func rulesList(ctx context.Context, w io.Writer, o *opsEnv, eng *alerts.Engine, asJSON bool) error {
	rules, err := eng.RuleList(ctx, o.conn.ID)
	if err != nil {
		return err
	}
	if asJSON {
		out := []ruleJSON{}
		for _, r := range rules {
			out = append(out, ruleOf(r, ruleOwner(ctx, o, r)))
		}
		return writeJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSOURCE\tPRIORITY\tSTATE\tKIND\tCONDITION")
	for _, r := range rules {
		state := "enabled"
		if !r.Enabled {
			state = "disabled"
		}
		if r.Builtin != "" {
			state += ", built in"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Source, r.Priority, state, dash(r.InsightKind), dash(r.Expression))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rules) == 0 {
		fmt.Fprintln(w, "no rules")
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func ruleShow(ctx context.Context, w io.Writer, o *opsEnv, r *store.AlertRule) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row("Name", r.Name)
	row("Description", dash(r.Description))
	row("Built in", dash(r.Builtin))
	row("Enabled", strconv.FormatBool(r.Enabled))
	row("Source", r.Source)
	row("Insight kind", dash(r.InsightKind))
	row("Expression", dash(r.Expression))
	row("Threshold", strconv.FormatFloat(r.Threshold, 'g', -1, 64))
	row("Priority", r.Priority)
	row("Pending", fmt.Sprintf("%d evaluations, %s", r.PendingEvaluations, r.PendingFor))
	owner := ruleOwner(ctx, o, r)
	if owner == "" {
		owner = "org-wide"
	}
	row("Owner", owner)
	var labels []string
	for _, k := range slices.Sorted(maps.Keys(r.Labels)) {
		labels = append(labels, k+"="+r.Labels[k])
	}
	row("Labels", dash(strings.Join(labels, " ")))
	row("Channels", dash(strings.Join(r.Channels, ", ")))
	policy := "-"
	if r.EscalationPolicyID != 0 {
		policy = strconv.FormatInt(r.EscalationPolicyID, 10)
	}
	row("Escalation policy", policy)
	row("Grouping", fmt.Sprintf("wait %s, interval %s, repeat %s", r.GroupWait, r.GroupInterval, r.RepeatInterval))
	row("Updated", stamp(r.UpdatedAt))
	return tw.Flush()
}

func rulesTest(ctx context.Context, w io.Writer, o *opsEnv, eng *alerts.Engine, specs []alerts.RuleSpec) error {
	results, err := eng.LatestResults(ctx, o.conn.ID)
	if err != nil {
		return err
	}
	if len(results) == 0 {
		return fmt.Errorf("connection %q has no stored analysis results to test against: run an analysis first (aicoo analyze)", o.conn.Name)
	}
	if len(specs) == 0 {
		fmt.Fprintln(w, "no enabled rules to test")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tPRIORITY\tSUBJECT\tTITLE")
	var errs []error
	n := 0
	for _, sp := range specs {
		fs, err := eng.RuleTest(ctx, o.conn.ID, sp)
		if err != nil {
			errs = append(errs, err)
		}
		for _, f := range fs {
			n++
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sp.Name, f.Priority, dash(f.Subject), f.Title)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(w, "nothing would fire now (%d rules against %d stored results)\n", len(specs), len(results))
	} else {
		fmt.Fprintf(w, "%d would fire now (%d rules against %d stored results)\n", n, len(specs), len(results))
	}
	return errors.Join(errs...)
}

// ruleOwner names the user a rule belongs to, "" for an org-wide rule.
func ruleOwner(ctx context.Context, o *opsEnv, r *store.AlertRule) string {
	if r.UserID == 0 {
		return ""
	}
	if u, err := o.s.UserByID(ctx, r.UserID); err == nil {
		return u.Username
	}
	return fmt.Sprintf("user %d", r.UserID)
}
