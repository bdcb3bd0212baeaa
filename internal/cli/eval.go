package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/analysis/sales"
	"github.com/aicoo/aicoo/internal/anomaly/nab"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/eval"
	"github.com/aicoo/aicoo/internal/odoo"
)

func evalCommand() command {
	return command{
		name:  "eval",
		usage: " [forecast | nab | ask]",
		summary: `Score the analyzers on a demo company, backtest the cash forecast, or score anomaly detection.
Runs the analyzers over --dataset DIR (from aicoo demo-data) or a company generated from
--size and --seed, and prints per detector the true and false positives, false negatives,
precision and recall, then "N passed, M failed" (a detector passes at 0.95 precision and recall).
"aicoo eval forecast" backtests the 13-week cash forecast on the same company (weekly
forecasts over the last year against what happened, per horizon, with the naive and
run-rate baselines), then the seasonal revenue (per month) and product demand (per week)
forecasts against the naive, seasonal-naive and run-rate ones (docs/forecast.md). "aicoo eval nab --dataset DIR" scores the
time-series anomaly detector on the Numenta Anomaly Benchmark in DIR (docs/anomaly.md).
"aicoo eval ask [--data DIR]" asks the question set of docs/ask-eval.md through the chat
with the configured model and counts the answers given, grounded and correct.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			dir := fs.String("dataset", "", "dataset `folder` with ground_truth.json")
			size := fs.String("size", defaultSize, "size of a generated company when no --dataset is given: small, medium or large")
			seed := fs.Uint64("seed", 1, "seed of a generated company")
			today := fs.String("today", "", "last day of a generated company's history, YYYY-MM-DD (default: today)")
			lowRunway := fs.Bool("low-runway", false, "generate the low cash runway scenario")
			verbose := fs.Bool("verbose", false, "list every false positive and missed problem")
			open := connFlags(fs)
			deprecatedAlias(fs, "v", "verbose")
			return func(ctx context.Context, e *env) error {
				what := ""
				if len(e.args) > 1 {
					return usageErrorf("one evaluation at a time, got %q", e.args)
				}
				if len(e.args) == 1 {
					what = e.args[0]
				}
				switch what {
				case "nab":
					return evalNAB(ctx, e, *dir)
				case "ask":
					return evalAsk(ctx, e, open)
				case "forecast", "":
				default:
					return usageErrorf("unknown evaluation %q: want forecast, nab or ask, or none for the analyzers", what)
				}
				ds, err := evalDataset(ctx, *dir, *size, *seed, *today, *lowRunway)
				if err != nil {
					return err
				}
				if ds.GroundTruth == nil && what == "" {
					return fmt.Errorf("dataset %s has no ground_truth.json to score against", *dir)
				}
				day, err := odoo.ParseDate(ds.Meta.Today)
				if err != nil {
					return fmt.Errorf("dataset manifest: today %q: %w", ds.Meta.Today, err)
				}
				if what == "forecast" {
					return evalForecast(ctx, e, ds, day)
				}
				env := &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: day}
				var results []*analysis.Result
				for _, a := range areaAnalyzers() {
					started := time.Now()
					res, err := a.Analyze(ctx, env)
					if err != nil {
						return fmt.Errorf("%s analyzer: %w", a.Area(), err)
					}
					fmt.Fprintf(e.stderr, "%-11s %3d metrics %4d insights in %s\n", a.Area(), len(res.Metrics), len(res.Insights), time.Since(started).Round(time.Millisecond))
					results = append(results, res)
				}
				fmt.Fprintf(e.stdout, "%s company, seed %d, today %s: %d known problems\n\n", ds.Meta.Size, ds.Meta.Seed, ds.Meta.Today, countProblems(ds.GroundTruth))
				rep := eval.Score(ds.GroundTruth, results)
				if err := rep.Write(e.stdout, *verbose); err != nil {
					return err
				}
				if _, failed := rep.Passed(); failed > 0 {
					return fmt.Errorf("%d detectors below %.2f precision or recall", failed, eval.MinPrecision)
				}
				return nil
			}
		},
	}
}

// evalForecast backtests the cash forecast on a dataset and fails when
// the model does not beat both baselines at some horizon.
func evalForecast(ctx context.Context, e *env, ds *dataset.Dataset, today odoo.Date) error {
	m, err := forecast.Load(ctx, analysis.DatasetSource{DS: ds})
	if err != nil {
		return fmt.Errorf("cash forecast: %w", err)
	}
	fmt.Fprintf(e.stdout, "cash forecast backtest, %s company, seed %d, books ending %s\n", ds.Meta.Size, ds.Meta.Seed, ds.Meta.Today)
	lost := 0
	for _, r := range m.Backtest(forecast.BacktestOptions{Today: today}) {
		if err := r.Write(e.stdout); err != nil {
			return err
		}
		for _, h := range r.Horizons {
			if !h.BeatsBaselines() {
				lost++
			}
		}
	}
	src := analysis.DatasetSource{DS: ds}
	revenue, err := sales.RevenueBacktests(ctx, src, today)
	if err != nil {
		return fmt.Errorf("revenue forecast: %w", err)
	}
	demand, err := operations.DemandBacktests(ctx, src, today)
	if err != nil {
		return fmt.Errorf("demand forecast: %w", err)
	}
	revenue = append(revenue, demand...)
	// The seasonal tables are reported, not a gate: on a small company a
	// month's noise can let a baseline win a horizon, and the analyzers
	// then choose the run-rate (docs/forecast.md).
	for _, t := range revenue {
		fmt.Fprintln(e.stdout)
		if err := t.Write(e.stdout); err != nil {
			return err
		}
	}
	if lost > 0 {
		return fmt.Errorf("the forecast does not beat both baselines at %d horizons", lost)
	}
	return nil
}

// evalNAB scores the anomaly detector on the Numenta Anomaly Benchmark.
func evalNAB(ctx context.Context, e *env, dir string) error {
	if dir == "" {
		return usageErrorf("aicoo eval nab needs --dataset DIR, the Numenta Anomaly Benchmark's folder (with data/, labels/ and config/)")
	}
	rep, err := nab.Evaluate(ctx, dir)
	if err != nil {
		return fmt.Errorf("NAB in %s: %w", dir, err)
	}
	return rep.Write(e.stdout)
}

func countProblems(gt *dataset.GroundTruth) int {
	n := 0
	for _, it := range gt.Items {
		if !it.NearMiss {
			n++
		}
	}
	return n
}

func evalDataset(ctx context.Context, dir, size string, seed uint64, today string, lowRunway bool) (*dataset.Dataset, error) {
	if dir != "" {
		return dataset.Load(dir)
	}
	sz, err := demodata.ParseSize(size)
	if err != nil {
		return nil, fmt.Errorf("--size: %w", err)
	}
	day := time.Now().UTC()
	if today != "" {
		if day, err = time.Parse(time.DateOnly, today); err != nil {
			return nil, fmt.Errorf("--today %q: want YYYY-MM-DD", today)
		}
	}
	ds, gt, err := demodata.Generate(ctx, demodata.Options{Size: sz, Seed: seed, Today: day, LowRunway: lowRunway})
	if err != nil {
		return nil, err
	}
	ds.GroundTruth = gt
	return ds, nil
}

func analyzeCommand() command {
	return command{
		name: "analyze",
		summary: `Sync the configured Odoo connection, run every analyzer once and print what they found.
Use --json for the full results. Connection flags override the configuration.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			load := configFlag(fs)
			data := dataFlag(fs)
			asJSON := fs.Bool("json", false, "print the results as JSON")
			odooOpts := odooFlags(fs)
			deprecatedAlias(fs, "db", "odoo-database")
			deprecatedAlias(fs, "login", "odoo-username")
			fs.Var(fs.Lookup("odoo-api-key").Value, "api-key", fs.Lookup("odoo-api-key").Usage)
			return func(ctx context.Context, e *env) error {
				cfg, err := load(e)
				if err != nil {
					return err
				}
				useData(cfg, *data)
				var over odooOverrides
				if err := odooOpts(e, &over); err != nil {
					return err
				}
				over.apply(cfg)
				if err := cfg.Validate(); err != nil {
					return err
				}
				if cfg.Odoo.URL == "" {
					return errors.New("no Odoo configured: set odoo.url, odoo.database, odoo.username and odoo.api_key, or pass --odoo-url, --odoo-database, --odoo-username and --odoo-api-key-file")
				}
				logger := newLogger(cfg, e.stderr)
				s, err := openStore(ctx, cfg, logger)
				if err != nil {
					return err
				}
				defer s.Close()
				if err := runSync(ctx, e, cfg, s, logger, false, nil); err != nil {
					return err
				}
				conn, err := s.ConnectionByName(ctx, cfg.Odoo.Name)
				if err != nil {
					return err
				}
				cache := newRecordCache(cfg)
				results, err := runAnalyses(ctx, cache.AnalysisSource(s, conn.ID), odoo.DateOf(time.Now().UTC()), conn.OdooURL)
				if err != nil {
					return err
				}
				if *asJSON {
					enc := json.NewEncoder(e.stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(results)
				}
				printSummary(e.stdout, results)
				return nil
			}
		},
	}
}

// printSummary writes each area's figures and its most urgent findings.
func printSummary(w io.Writer, results []*analysis.Result) {
	for _, r := range results {
		fmt.Fprintf(w, "== %s\n", strings.ToUpper(r.Area))
		for _, m := range r.Metrics {
			company := ""
			if m.CompanyID != 0 {
				company = fmt.Sprintf(" (company %d)", m.CompanyID)
			}
			if !m.Available {
				fmt.Fprintf(w, "  %-40s not available%s\n", m.Name, company)
				continue
			}
			fmt.Fprintf(w, "  %-40s %14.2f %s%s\n", m.Name, m.Value, m.Unit, company)
		}
		shown := 0
		for _, in := range r.Insights {
			if analysis.PriorityRank(in.Priority) > analysis.PriorityRank("medium") {
				continue
			}
			if shown == 10 {
				fmt.Fprintf(w, "  ... and more (use --json)\n")
				break
			}
			fmt.Fprintf(w, "  [%s] %s\n", in.Priority, in.Title)
			shown++
		}
		fmt.Fprintln(w)
	}
}
