package cli

import (
	"context"
	"fmt"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

// runAnalyses runs every area's analyzer once over src, at most GOMAXPROCS
// at a time, and returns their results in the areas' order. The analyzers
// share src: over a RecordCache each model is read and decoded once for
// all of them. As the analysis jobs do, nothing is shown from a model the
// sync left incomplete (analysis.Run).
func runAnalyses(ctx context.Context, src analysis.Source, today odoo.Date, odooURL string) ([]*analysis.Result, error) {
	analyzers := areaAnalyzers()
	results := make([]*analysis.Result, len(analyzers))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, a := range analyzers {
		g.Go(func() error {
			env := &analysis.Env{Source: src, Today: today, OdooURL: odooURL}
			res, err := analysis.Run(ctx, a, env)
			if err != nil {
				return fmt.Errorf("%s analyzer: %w", a.Area(), err)
			}
			results[i] = res
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return results, nil
}
