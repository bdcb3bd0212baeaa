package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/store"
)

// escalationCommand manages escalation policies, as Settings → Escalation
// policies does.
func escalationCommand() command {
	return command{
		name:  "escalation",
		usage: " list|create|attach|delete [NAME]",
		summary: `Manage the escalation policies of a connection: the ladders an unacknowledged alert climbs.
  aicoo escalation list
  aicoo escalation create --name N --step 'after=15m users=ann channels=email' --step 'after=30m roles=ceo channels=sms' [--repeat 1] [--priority critical]
  aicoo escalation attach NAME --priority critical,high   every alert of these priorities whose rule has no policy follows it (--priority none: detach)
  aicoo escalation delete NAME                 the rules using it stop escalating
Attach a policy to a rule with aicoo rules edit NAME --escalation-policy ID; a rule's policy comes before its priority's.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			name := fs.String("name", "", "policy `name` (create)")
			repeat := fs.Int("repeat", 0, "climb the ladder again up to `n` more times (0 to 10)")
			var steps listFlag
			fs.Var(&steps, "step", "a step: `'after=DURATION users=a,b roles=ceo,cfo channels=email,sms'`; repeat for more, in order")
			priority := fs.String("priority", "", "create, attach: the alert `priorities` (critical,high,medium,low) the policy is followed for when the rule names none; attach: none detaches")
			asJSON := fs.Bool("json", false, "list: print JSON")
			return func(ctx context.Context, e *env) error {
				if len(e.args) == 0 {
					return errUsage
				}
				action := e.args[0]
				switch {
				case (action == "list" || action == "create") && len(e.args) != 1:
					return usageErrorf("%s takes no argument (use --name)", action)
				case (action == "delete" || action == "attach") && len(e.args) != 2:
					return usageErrorf("%s needs one policy NAME", action)
				case action == "attach" && *priority == "":
					return usageErrorf("attach needs --priority (critical,high,medium,low or none)")
				case action != "list" && action != "create" && action != "attach" && action != "delete":
					return usageErrorf("unknown action %q: want list, create, attach or delete", action)
				}
				var prios []string
				if *priority != "" && *priority != "none" {
					prios = strings.Split(*priority, ",")
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				eng := alerts.New(o.s, alerts.Config{})
				by := alerts.Actor{Username: "cli"}
				users, err := o.s.UserList(ctx, o.conn.ID)
				if err != nil {
					return err
				}
				switch action {
				case "list":
					pols, err := o.s.EscalationPolicyList(ctx, o.conn.ID)
					if err != nil {
						return err
					}
					if *asJSON {
						if pols == nil {
							pols = []*store.EscalationPolicy{}
						}
						return writeJSON(e.stdout, pols)
					}
					return escalationList(e.stdout, pols, users)
				case "create":
					if *name == "" || len(steps) == 0 {
						return usageErrorf("create needs --name and at least one --step")
					}
					p := store.EscalationPolicyParams{ConnectionID: o.conn.ID, Name: *name, Repeat: *repeat, Priorities: prios}
					for i, s := range steps {
						l, err := parseStep(s, users)
						if err != nil {
							return fmt.Errorf("--step %d: %w", i+1, err)
						}
						p.Levels = append(p.Levels, l)
					}
					pol, err := eng.EscalationPolicyCreate(ctx, p, by)
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "Created escalation policy %q (id %d); attach it with: aicoo rules edit NAME --escalation-policy %d\n", pol.Name, pol.ID, pol.ID)
					return nil
				}
				pols, err := o.s.EscalationPolicyList(ctx, o.conn.ID)
				if err != nil {
					return err
				}
				i := slices.IndexFunc(pols, func(p *store.EscalationPolicy) bool { return p.Name == e.args[1] })
				if i < 0 {
					return fmt.Errorf("no escalation policy named %q on connection %q (see aicoo escalation list)", e.args[1], o.conn.Name)
				}
				switch action {
				case "attach":
					p := pols[i]
					pol, err := eng.EscalationPolicyUpdate(ctx, p.ID, store.EscalationPolicyParams{ConnectionID: o.conn.ID, Name: p.Name,
						Levels: p.Levels, Repeat: p.Repeat, Priorities: prios}, by)
					if err != nil {
						return err
					}
					if len(pol.Priorities) == 0 {
						fmt.Fprintf(e.stdout, "Escalation policy %q is attached to no priority now.\n", pol.Name)
						return nil
					}
					fmt.Fprintf(e.stdout, "Every %s alert whose rule has no policy now follows %q.\n", strings.Join(pol.Priorities, ", "), pol.Name)
					return nil
				default: // delete
					if err := eng.EscalationPolicyDelete(ctx, o.conn.ID, pols[i].ID, by); err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "Deleted escalation policy %q; the rules that used it no longer escalate.\n", pols[i].Name)
					return nil
				}
			}
		},
	}
}

// parseStep reads "after=15m users=ann,bob roles=ceo channels=email".
func parseStep(s string, users []*store.User) (store.EscalationLevel, error) {
	var l store.EscalationLevel
	for _, part := range strings.Fields(s) {
		k, v, ok := strings.Cut(part, "=")
		if !ok || v == "" {
			return l, fmt.Errorf("%q is not key=value (after, users, roles, channels)", part)
		}
		switch k {
		case "after":
			d, err := time.ParseDuration(v)
			if err != nil {
				return l, fmt.Errorf("after=%s is not a duration like 15m", v)
			}
			l.Timeout = store.JSONDuration(d)
		case "users":
			for _, name := range strings.Split(v, ",") {
				i := slices.IndexFunc(users, func(u *store.User) bool { return strings.EqualFold(u.Username, name) })
				if i < 0 {
					return l, fmt.Errorf("no user named %q", name)
				}
				l.UserIDs = append(l.UserIDs, users[i].ID)
			}
		case "roles":
			l.Roles = strings.Split(v, ",")
		case "channels":
			l.Channels = strings.Split(v, ",")
		default:
			return l, fmt.Errorf("unknown key %q (after, users, roles, channels)", k)
		}
	}
	if l.Timeout == 0 {
		return l, errors.New("say how long to wait for an acknowledgement: after=15m")
	}
	return l, nil
}

func escalationList(w io.Writer, pols []*store.EscalationPolicy, users []*store.User) error {
	if len(pols) == 0 {
		_, err := fmt.Fprintln(w, "No escalation policy. Create one with: aicoo escalation create --name N --step 'after=15m roles=cfo channels=email'")
		return err
	}
	name := map[int64]string{}
	for _, u := range users {
		name[u.ID] = u.Username
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tREPEAT\tPRIORITIES\tSTEPS")
	for _, p := range pols {
		var steps []string
		for _, l := range p.Levels {
			var who []string
			for _, id := range l.UserIDs {
				who = append(who, name[id])
			}
			for _, r := range l.Roles {
				who = append(who, "role "+r)
			}
			ch := strings.Join(l.Channels, "+")
			if ch == "" {
				ch = "rule's channels"
			}
			steps = append(steps, fmt.Sprintf("%s by %s, wait %s", strings.Join(who, ", "), ch, time.Duration(l.Timeout)))
		}
		prios := strings.Join(p.Priorities, ",")
		if prios == "" {
			prios = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\n", p.ID, p.Name, p.Repeat, prios, strings.Join(steps, " → "))
	}
	return tw.Flush()
}
