package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
)

// insertOnlyOutbox returns an outbox whose delivery jobs go through an
// insert-only River client: a running aicoo worker delivers them.
func insertOnlyOutbox(s *store.Store) (*notify.Outbox, error) {
	cfg := &river.Config{Logger: slog.New(slog.DiscardHandler)}
	var (
		inserter notify.Inserter
		err      error
	)
	if s.Dialect() == store.Postgres {
		inserter, err = river.NewClient(riverdatabasesql.New(s.DB()), cfg)
	} else {
		inserter, err = river.NewClient(riversqlite.New(s.DB()), cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("job queue client: %w", err)
	}
	return notify.NewOutbox(notify.OutboxConfig{Inserter: inserter})
}

func notifyCommand() command {
	return command{
		name:  "notify",
		usage: " test|dead-letters|retry [ARGS]",
		summary: `Check and repair notification delivery.
  aicoo notify test CHANNEL RECIPIENT   send a test message now: email ADDRESS, slack TARGET
                                        (the configured webhook is "default"), sms +E164NUMBER,
                                        webhook default, odoo_discuss CHANNEL (name or id, posted
                                        through the [odoo] connection); inapp USERNAME queues it in
                                        the outbox for the running worker
  aicoo notify dead-letters             notifications that failed every attempt
  aicoo notify retry ID                 deliver a dead letter again`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			limit := fs.Int("limit", 100, "list at most this many dead letters (at most 1000)")
			timeout := fs.Duration("timeout", 30*time.Second, "give up a test send after this long")
			asJSON := fs.Bool("json", false, "dead-letters: print JSON (shape in docs/cli.md)")
			return func(ctx context.Context, e *env) error {
				if len(e.args) == 0 {
					return errUsage
				}
				action := e.args[0]
				switch action {
				case "test":
					if len(e.args) != 3 {
						return usageErrorf("%s", "test needs CHANNEL RECIPIENT, e.g. aicoo notify test email ops@example.com")
					}
				case "dead-letters":
					if len(e.args) != 1 {
						return usageErrorf("dead-letters takes no argument, got %q", e.args[1])
					}
					if *limit <= 0 || *limit > 1000 {
						return fmt.Errorf("--limit %d is not between 1 and 1000", *limit)
					}
				case "retry":
					if len(e.args) != 2 {
						return usageErrorf("%s", "retry needs one notification ID (see aicoo notify dead-letters)")
					}
				default:
					return usageErrorf("unknown action %q: want test, dead-letters or retry", action)
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				switch action {
				case "test":
					return notifyTest(ctx, e.stdout, o, e.args[1], e.args[2], *timeout)
				case "dead-letters":
					return deadLetters(ctx, e.stdout, o, *limit, *asJSON)
				}
				id, err := parseID("notification", e.args[1])
				if err != nil {
					return err
				}
				ob, err := insertOnlyOutbox(o.s)
				if err != nil {
					return err
				}
				n, err := ob.Retry(ctx, o.s, o.conn.ID, id)
				switch {
				case errors.Is(err, store.ErrNotFound):
					return fmt.Errorf("no notification %d on connection %q", id, o.conn.Name)
				case errors.Is(err, store.ErrNotificationNotDead):
					return fmt.Errorf("notification %d is not a dead letter: only dead letters can be retried", id)
				case err != nil:
					return err
				}
				fmt.Fprintf(e.stdout, "notification %d (%s to %s) queued again (round %d); a running aicoo worker delivers it\n",
					n.ID, n.Channel, n.Recipient, n.Round)
				return nil
			}
		},
	}
}

func notifyTest(ctx context.Context, w io.Writer, o *opsEnv, channel, recipient string, timeout time.Duration) error {
	chans, err := notify.Builtin(o.cfg, notify.Deps{Odoo: func(ctx context.Context, connectionID int64) (notify.DiscussOdoo, error) {
		if o.conn.Name != o.cfg.Odoo.Name || o.cfg.Odoo.APIKey == "" {
			return nil, fmt.Errorf("the Odoo API key of connection %q is not in the configuration (odoo.api_key)", o.conn.Name)
		}
		c, err := odooClient(ctx, o.conn, string(o.cfg.Odoo.APIKey), newLogger(o.cfg, io.Discard))
		if err != nil {
			return nil, err
		}
		return c, nil
	}})
	if err != nil {
		return err
	}
	k, ok := chans.Lookup(channel)
	if !ok {
		var names []string
		for _, k := range chans.Kinds() {
			names = append(names, k.RowName())
		}
		return fmt.Errorf("unknown channel %q: want %s", channel, strings.Join(names, ", "))
	}
	if k.Name == notify.KindInApp {
		// The in-app message is its outbox row: a running worker delivers it.
		u, err := o.s.UserByUsername(ctx, o.conn.ID, recipient)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("inapp recipient %q: no such user on connection %q", recipient, o.conn.Name)
		}
		if err != nil {
			return err
		}
		ob, err := insertOnlyOutbox(o.s)
		if err != nil {
			return err
		}
		rows, err := ob.Enqueue(ctx, o.s, inAppTest(o.conn.ID, u, time.Now().UTC()))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "in-app test notification %d queued for %s; a running aicoo worker delivers it\n", rows[0].ID, u.Username)
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := chans.Test(ctx, k.Name, o.conn.ID, recipient, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(w, "test message sent by %s to %s\n", k.RowName(), recipient)
	return nil
}

func deadLetters(ctx context.Context, w io.Writer, o *opsEnv, limit int, asJSON bool) error {
	list, err := o.s.NotificationList(ctx, store.NotificationListParams{ConnectionID: o.conn.ID, Status: store.NotificationDead, Limit: limit})
	if err != nil {
		return err
	}
	if asJSON {
		out := []deadLetterJSON{}
		for _, n := range list {
			out = append(out, deadLetterOf(n))
		}
		return writeJSON(w, out)
	}
	if len(list) == 0 {
		fmt.Fprintln(w, "no dead letters")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCHANNEL\tRECIPIENT\tATTEMPTS\tDEAD AT\tSUBJECT\tLAST ERROR")
	for _, n := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\n", n.ID, n.Channel, n.Recipient, n.Attempts, stamp(n.DeadAt),
			n.Subject, oneLine(n.LastError, 80))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d dead letters; retry one with: aicoo notify retry ID\n", len(list))
	return nil
}

// oneLine keeps the first line of s, cut to at most n runes.
func oneLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
