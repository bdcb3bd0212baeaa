package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/search"
	"github.com/aicoo/aicoo/internal/store"
)

func searchCommand() command {
	return command{
		name:  "search",
		usage: " QUERY",
		summary: `Find records, alerts, figures and actions by name or number (smart search).
Partners, invoices and bills, sales and purchase orders, products and deals of the synced
copy of Odoo, and aicoo's alerts, figures and actions, as the search box of the dashboard
finds them. Typos, accents and case do not matter; exact numbers come first.
  aicoo search INV/2026/00042
  aicoo search "alpen industrie" --role sales --limit 5 --json`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			asJSON := fs.Bool("json", false, "print JSON (shapes in docs/cli.md)")
			limit := fs.Int("limit", 10, "at most this many results (1 to 100)")
			role := fs.String("role", store.RoleAdmin, "find what this `role` may see (admin, ceo, cfo, sales, ops, viewer)")
			return func(ctx context.Context, e *env) error {
				if len(e.args) == 0 {
					return errUsage
				}
				q := strings.Join(e.args, " ")
				if *limit < 1 || *limit > search.LimitMax {
					return usageErrorf("--limit %d: want 1 to %d", *limit, search.LimitMax)
				}
				cat := areas.Catalogue()
				table := access.New(cat)
				if !slices.Contains(table.Roles(), *role) {
					return usageErrorf("--role %q: want one of %s", *role, strings.Join(table.Roles(), ", "))
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				svc := search.New(search.Config{Store: o.s, Access: table, Catalogue: cat})
				defer svc.Wait()
				res, err := svc.Search(ctx, search.Query{ConnectionID: o.conn.ID, Role: *role, Text: q, Limit: *limit})
				if err != nil {
					return err
				}
				return printSearch(e.stdout, o.conn.OdooURL, q, res, *asJSON)
			}
		},
	}
}

// searchResultJSON is one result of `aicoo search --json`.
type searchResultJSON struct {
	Kind      string  `json:"kind"`
	KindLabel string  `json:"kind_label"`
	Label     string  `json:"label"`
	Score     float64 `json:"score"`
	Path      string  `json:"path,omitempty"`
	Model     string  `json:"model,omitempty"`
	ID        int64   `json:"id,omitempty"`
	OdooURL   string  `json:"odoo_url,omitempty"`
}

func printSearch(w io.Writer, odooURL, q string, res []search.Result, asJSON bool) error {
	out := make([]searchResultJSON, len(res))
	for i, r := range res {
		out[i] = searchResultJSON{Kind: r.Kind, KindLabel: r.KindLabel, Label: r.Label, Score: r.Score, Path: r.Path, Model: r.Model, ID: r.ID}
		if r.Model != "" && r.ID != 0 && odooURL != "" {
			out[i].OdooURL = fmt.Sprintf("%s/web#id=%d&model=%s&view_type=form", strings.TrimRight(odooURL, "/"), r.ID, r.Model)
		}
	}
	if asJSON {
		return writeJSON(w, out)
	}
	if len(out) == 0 {
		_, err := fmt.Fprintf(w, "Nothing found for %q.\n", q)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tRESULT\tOPEN")
	for _, r := range out {
		link := r.OdooURL
		if r.Path != "" {
			link = r.Path
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.KindLabel, r.Label, link)
	}
	return tw.Flush()
}

// newSearchService returns the smart search over the app's store, areas
// and action types.
func newSearchService(a *app, logger *slog.Logger) *search.Service {
	return search.New(search.Config{Store: a.store, Access: access.New(a.cat), Catalogue: a.cat, Kinds: a.kinds, Logger: logger})
}

// warmSearch builds the index of every connection in the background and
// keeps it fresh after each sync until ctx ends.
func warmSearch(ctx context.Context, a *app, svc *search.Service, logger *slog.Logger) {
	conns, err := a.store.Connections(ctx)
	if err != nil {
		logger.Warn("search: listing the connections to index", "error", err)
		return
	}
	for _, c := range conns {
		svc.Watch(ctx, c.ID)
	}
}
