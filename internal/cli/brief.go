package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

func briefCommand() command {
	return command{
		name: "brief",
		summary: `Print the daily briefing of a role for the configured connection (or the demo's).
Figures come from the latest analyses in the store; run "aicoo analyze" or the demo first.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			role := fs.String("role", "ceo", "role: ceo, cfo, sales or ops")
			date := fs.String("date", "", "date of the briefing, YYYY-MM-DD (default: today)")
			format := fs.String("format", "md", "output format: md or html")
			return func(ctx context.Context, e *env) error {
				if *format != "md" && *format != "html" {
					return fmt.Errorf("--format %q: want md or html", *format)
				}
				day := time.Now()
				if *date != "" {
					var err error
					if day, err = time.ParseInLocation(time.DateOnly, *date, time.Local); err != nil {
						return fmt.Errorf("--date %q: want YYYY-MM-DD", *date)
					}
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				cfg, s, conn := o.cfg, o.s, o.conn
				logger := newLogger(cfg, io.Discard)
				model, err := newLLM(cfg, s, logger)
				if err != nil {
					return err
				}
				g, err := newBriefer(cfg, s, model, logger)
				if err != nil {
					return err
				}
				b, err := g.Build(ctx, conn.ID, *role, time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.Local))
				if err != nil {
					return err
				}
				out := b.Markdown
				if *format == "html" {
					if out, err = g.HTML(b.Markdown); err != nil {
						return err
					}
				}
				_, err = io.WriteString(e.stdout, out)
				return err
			}
		},
	}
}
