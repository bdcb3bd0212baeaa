package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/aicoo/aicoo/internal/demodata"
)

func demoDataCommand() command {
	return command{
		name: "demo-data",
		summary: `Generate a demo company (two years of history with known problems) into a folder.
The same seed and options give the same files. ground_truth.json lists the injected
problems and near misses; see docs/dataset-format.md.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			size := fs.String("size", defaultSize, "company size: small (~1k invoices), medium (~20k), large (200k+ journal items)")
			seed := fs.Uint64("seed", 1, "random seed")
			out := fs.String("out", "", "output `folder` (required)")
			today := fs.String("today", "", "last day of the history, YYYY-MM-DD (default: today)")
			lowRunway := fs.Bool("low-runway", false, "scenario: cash runway below 60 days")
			noHelpdesk := fs.Bool("no-helpdesk", false, "leave out the helpdesk module: support requests become project tasks")
			ver := fs.String("odoo-version", demodata.OdooVersionDefault, "Odoo version recorded for the simulator")
			return func(ctx context.Context, e *env) error {
				if *out == "" {
					return fmt.Errorf("--out is required")
				}
				sz, err := demodata.ParseSize(*size)
				if err != nil {
					return fmt.Errorf("--size: %w", err)
				}
				day := time.Now().UTC()
				if *today != "" {
					if day, err = time.Parse(time.DateOnly, *today); err != nil {
						return fmt.Errorf("--today %q: want YYYY-MM-DD", *today)
					}
				}
				term := stderrIsTerminal(e.stderr)
				last := ""
				started := time.Now()
				ds, gt, err := demodata.Generate(ctx, demodata.Options{Size: sz, Seed: *seed, Today: day, LowRunway: *lowRunway,
					NoHelpdesk: *noHelpdesk, OdooVersion: *ver,
					ProgressFunc: func(p demodata.Progress) {
						if term && p.Total > 0 {
							fmt.Fprintf(e.stderr, "\r%-10s %3d%%", p.Phase, p.Done*100/p.Total)
						} else if p.Phase != last {
							fmt.Fprintf(e.stderr, "%s...\n", p.Phase)
						}
						last = p.Phase
					}})
				if term {
					fmt.Fprint(e.stderr, "\r\033[K")
				}
				if err != nil {
					return err
				}
				if err := ds.Save(*out); err != nil {
					return err
				}
				records := 0
				for _, m := range ds.Models() {
					records += ds.Len(m)
				}
				problems, near := 0, 0
				for _, it := range gt.Items {
					if it.NearMiss {
						near++
					} else {
						problems++
					}
				}
				fmt.Fprintf(e.stdout, "%s company (seed %d, today %s): %d records (%d invoices and bills, %d journal items, %d stock moves), %d known problems and %d near misses, written to %s in %s\n",
					sz, *seed, ds.Meta.Today, records, ds.Len("account.move"), ds.Len("account.move.line"), ds.Len("stock.move"),
					problems, near, *out, time.Since(started).Round(10*time.Millisecond))
				return nil
			}
		},
	}
}
