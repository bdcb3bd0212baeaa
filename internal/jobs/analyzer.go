package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// Run is one scheduled run of a monitoring job, as handed to an analyzer.
type Run struct {
	Job         *store.MonitoringJob
	ScheduledAt time.Time
	Attempt     int
}

// Outcome is what an analyzer found. Status defaults to success.
type Outcome struct {
	// Status is store.ResultSuccess or store.ResultPartial. A partial
	// outcome is stored, but the run counts as failed for the failing-job
	// alert: part of its work is undone.
	Status string
	// Problem says what a partial outcome left undone (the run's error).
	Problem string
	// Skipped, when set, says why the run did no work (another run of the
	// same work was under way): the run is recorded as skipped, stores no
	// result and counts neither as a success nor as a failure.
	Skipped         string
	Insights        json.RawMessage // JSON array of findings
	Metrics         json.RawMessage // JSON object of computed figures
	AlertsGenerated int
	Cost            float64 // language-model cost of the run, in USD
}

// AnalyzeFunc runs one analysis. It must honour ctx: the engine cancels it
// at the job timeout and on shutdown. An error fails the attempt, which is
// retried up to the configured number of attempts.
type AnalyzeFunc func(ctx context.Context, run Run) (Outcome, error)

// Analyzer is a kind of analysis a monitoring job can run.
type Analyzer struct {
	Type        string // the monitoring_jobs.analyzer_type value
	Description string
	Func        AnalyzeFunc
	// ValidateConfigFunc checks a job's config JSON when a job is saved.
	// Nil accepts any JSON object.
	ValidateConfigFunc func(json.RawMessage) error
}

// Registry maps analyzer types to analyzers. It is filled at start and read
// afterwards, so it needs no lock.
type Registry struct {
	m map[string]Analyzer
}

// NewRegistry returns a registry holding the given analyzers. It returns an
// error on an empty or duplicate type.
func NewRegistry(analyzers ...Analyzer) (*Registry, error) {
	r := &Registry{m: make(map[string]Analyzer, len(analyzers))}
	for _, a := range analyzers {
		if a.Type == "" || a.Func == nil {
			return nil, fmt.Errorf("jobs: analyzer %q: type and func are required", a.Type)
		}
		if _, dup := r.m[a.Type]; dup {
			return nil, fmt.Errorf("jobs: analyzer %q registered twice", a.Type)
		}
		r.m[a.Type] = a
	}
	return r, nil
}

// Lookup returns the analyzer of a type.
func (r *Registry) Lookup(typ string) (Analyzer, bool) {
	a, ok := r.m[typ]
	return a, ok
}

// Types lists the registered analyzer types in order.
func (r *Registry) Types() []string {
	out := make([]string, 0, len(r.m))
	for t := range r.m {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// ValidateJob checks a monitoring job definition before it is saved: the
// schedule parses, the analyzer exists and accepts the config.
func (r *Registry) ValidateJob(p store.MonitoringJobParams) error {
	if p.Name == "" {
		return fmt.Errorf("jobs: a monitoring job needs a name")
	}
	if _, err := ParseSchedule(p.Schedule); err != nil {
		return fmt.Errorf("jobs: job %q: %w", p.Name, err)
	}
	a, ok := r.Lookup(p.AnalyzerType)
	if !ok {
		return fmt.Errorf("jobs: job %q: unknown analyzer type %q (known: %v)", p.Name, p.AnalyzerType, r.Types())
	}
	if len(p.Config) > 0 {
		var obj map[string]any
		if err := json.Unmarshal(p.Config, &obj); err != nil {
			return fmt.Errorf("jobs: job %q: config must be a JSON object: %w", p.Name, err)
		}
	}
	if a.ValidateConfigFunc != nil {
		if err := a.ValidateConfigFunc(p.Config); err != nil {
			return fmt.Errorf("jobs: job %q: config: %w", p.Name, err)
		}
	}
	return nil
}
