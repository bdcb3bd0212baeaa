package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/aicoo/aicoo/internal/analysis/areas"
)

func briefCommand() command {
	return command{
		name: "brief",
		summary: `Print the daily briefing of a role: figures, open alerts, decisions and recommendations.
Figures come from the latest analyses in the store; run "aicoo demo" or "aicoo serve" first.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			role := fs.String("role", "ceo", "role: ceo, cfo, sales or ops")
			date := fs.String("date", "", "date of the briefing, YYYY-MM-DD (default: today)")
			format := fs.String("format", "", "output format: text, md (Markdown) or html (default: text on a terminal, md otherwise)")
			asJSON := fs.Bool("json", false, "print JSON with the briefing as Markdown and as text (shape in docs/cli.md)")
			return func(ctx context.Context, e *env) error {
				if *format == "" {
					*format = "md"
					if isTerminal(e.rawStdout) {
						*format = "text"
					}
				}
				if *format != "md" && *format != "html" && *format != "text" {
					return usageErrorf("--format %q: want text, md or html", *format)
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
				g, err := newBriefer(cfg, s, areas.Catalogue(), model, logger)
				if err != nil {
					return err
				}
				b, err := g.Build(ctx, conn.ID, *role, time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.Local))
				if err != nil {
					return err
				}
				if *asJSON {
					return writeJSON(e.stdout, briefJSON{Connection: conn.Name, Role: *role, Date: day.Format(time.DateOnly),
						Narrative: b.Narrative, Markdown: b.Markdown, Text: briefingText(b.Markdown)})
				}
				out := b.Markdown
				if *format == "text" {
					out = briefingText(b.Markdown)
				}
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
