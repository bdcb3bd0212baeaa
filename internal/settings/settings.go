// Package settings reads and changes the analyzer thresholds of a
// connection: the catalogue the analyzer packages declare, the values
// stored in the config of each area's analysis monitoring job (where the
// job engine reads them), a preview that reruns an area's analyzer on the
// synced records with a proposed value, and an audit entry per change. The
// dashboard, the API and the CLI all go through it, so they apply the same
// checks.
package settings

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/customers"
	"github.com/aicoo/aicoo/internal/analysis/expenses"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/analysis/sales"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// Catalog returns every threshold the analyzers read, by area then name.
func Catalog() []analysis.ThresholdSpec {
	var out []analysis.ThresholdSpec
	for _, l := range [][]analysis.ThresholdSpec{finance.Thresholds, expenses.Thresholds, sales.Thresholds, customers.Thresholds, operations.Thresholds} {
		out = append(out, l...)
	}
	return out
}

// Lookup returns the spec key names (a PerID variant names its spec).
func Lookup(key string) (analysis.ThresholdSpec, bool) {
	for _, t := range Catalog() {
		if t.Matches(key) {
			return t, true
		}
	}
	return analysis.ThresholdSpec{}, false
}

// analyzerOf returns the analyzer of an area, for previews.
func analyzerOf(area string) analysis.Analyzer {
	switch area {
	case "finance":
		return finance.New()
	case "expenses":
		return expenses.New()
	case "sales":
		return sales.New()
	case "customers":
		return customers.New()
	case "operations":
		return operations.New()
	}
	return nil
}

// InvalidError is a refused value or key; its message is for the user.
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return e.Msg }

func invalid(format string, args ...any) error {
	return &InvalidError{Msg: fmt.Sprintf(format, args...)}
}

// ErrNoJob means the connection has no analysis job for the area, so a
// threshold has nowhere to be stored (and no analysis would read it).
var ErrNoJob = errors.New("no analysis job for this area")

// ErrPreview means the preview could not run the analysis (nothing synced
// yet, say); the error says why.
var ErrPreview = errors.New("the analysis could not run")

// Value is a threshold of a connection.
type Value struct {
	analysis.ThresholdSpec
	// Key is the setting's name: Name, or a PerID variant of it.
	Key   string  `json:"key"`
	Area  string  `json:"area"`
	Value float64 `json:"value"`
	// Set is true when the value is stored (false: the default applies).
	Set bool `json:"set"`
}

// Service reads and changes thresholds.
type Service struct {
	Store *store.Store
	// Now gives the reference date of previews; defaults to time.Now.
	Now func() time.Time
	// Cache, if set, shares decoded records with the job engine's analyses.
	Cache *analysis.RecordCache
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// jobConfig is the analysis job's config with its other keys kept as they are.
type jobConfig struct {
	rest       map[string]json.RawMessage
	thresholds map[string]float64
}

func parseConfig(raw json.RawMessage) (jobConfig, error) {
	c := jobConfig{rest: map[string]json.RawMessage{}, thresholds: map[string]float64{}}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &c.rest); err != nil {
			return c, fmt.Errorf("settings: job config: %w", err)
		}
	}
	if t, ok := c.rest["thresholds"]; ok {
		if err := json.Unmarshal(t, &c.thresholds); err != nil {
			return c, fmt.Errorf("settings: job config thresholds: %w", err)
		}
		if c.thresholds == nil {
			c.thresholds = map[string]float64{}
		}
	}
	return c, nil
}

func (c jobConfig) marshal() (json.RawMessage, error) {
	delete(c.rest, "thresholds")
	if len(c.thresholds) > 0 {
		b, err := json.Marshal(c.thresholds)
		if err != nil {
			return nil, err
		}
		c.rest["thresholds"] = b
	}
	return json.Marshal(c.rest)
}

// areaJobs returns the connection's analysis jobs of an area.
func areaJobs(ctx context.Context, s *store.Store, connectionID int64, area string) ([]*store.MonitoringJob, error) {
	all, err := s.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: connectionID})
	if err != nil {
		return nil, err
	}
	var out []*store.MonitoringJob
	for _, j := range all {
		if j.AnalyzerType == analysis.JobTypePrefix+area {
			out = append(out, j)
		}
	}
	return out, nil
}

// stored returns the thresholds stored for an area: those of its first
// analysis job by name (Set keeps every job of the area the same).
func stored(ctx context.Context, s *store.Store, connectionID int64, area string) (map[string]float64, error) {
	jobs, err := areaJobs(ctx, s, connectionID, area)
	if err != nil || len(jobs) == 0 {
		return map[string]float64{}, err
	}
	c, err := parseConfig(jobs[0].Config)
	return c.thresholds, err
}

// List returns every threshold of the connection with its value, and the
// stored PerID variants after their spec.
func (s *Service) List(ctx context.Context, connectionID int64) ([]Value, error) {
	byArea := map[string]map[string]float64{}
	var out []Value
	for _, t := range Catalog() {
		area := t.Area()
		th, ok := byArea[area]
		if !ok {
			var err error
			if th, err = stored(ctx, s.Store, connectionID, area); err != nil {
				return nil, err
			}
			byArea[area] = th
		}
		v := Value{ThresholdSpec: t, Key: t.Name, Area: area, Value: t.Default}
		if x, ok := th[t.Name]; ok {
			v.Value, v.Set = x, true
		}
		out = append(out, v)
		if t.PerID {
			var extra []Value
			for k, x := range th {
				if k != t.Name && t.Matches(k) {
					extra = append(extra, Value{ThresholdSpec: t, Key: k, Area: area, Value: x, Set: true})
				}
			}
			slices.SortFunc(extra, func(a, b Value) int { return cmp.Compare(a.Key, b.Key) })
			out = append(out, extra...)
		}
	}
	return out, nil
}

// Get returns one threshold of the connection.
func (s *Service) Get(ctx context.Context, connectionID int64, key string) (Value, error) {
	t, ok := Lookup(key)
	if !ok {
		return Value{}, unknownKey(key)
	}
	th, err := stored(ctx, s.Store, connectionID, t.Area())
	if err != nil {
		return Value{}, err
	}
	v := Value{ThresholdSpec: t, Key: key, Area: t.Area(), Value: t.Default}
	if x, ok := th[key]; ok {
		v.Value, v.Set = x, true
	} else if key != t.Name {
		// A per-record variant falls back to its spec's value.
		if x, ok := th[t.Name]; ok {
			v.Value = x
		}
	}
	return v, nil
}

func unknownKey(key string) error {
	var near []string
	for _, t := range Catalog() {
		if strings.HasPrefix(t.Name, strings.SplitN(key, ".", 2)[0]+".") {
			near = append(near, t.Name)
		}
	}
	if len(near) > 0 {
		return invalid("unknown threshold %q; the thresholds of that area are %s", key, strings.Join(near, ", "))
	}
	return invalid("unknown threshold %q (list them with \"aicoo settings list\")", key)
}

// Check validates a proposed value of key.
func Check(key string, v float64) (analysis.ThresholdSpec, error) {
	t, ok := Lookup(key)
	if !ok {
		return t, unknownKey(key)
	}
	if err := t.Check(v); err != nil {
		return t, &InvalidError{Msg: strings.Replace(err.Error(), t.Name, key, 1)}
	}
	return t, nil
}

// Set stores value for key on every analysis job of its area and appends
// an audit entry naming actor ("user:olga", "cli"), in one transaction.
func (s *Service) Set(ctx context.Context, connectionID int64, actor, key string, value float64) (Value, error) {
	if _, err := Check(key, value); err != nil {
		return Value{}, err
	}
	return s.change(ctx, connectionID, actor, key, &value)
}

// Reset removes the stored value of key, so the default applies again.
func (s *Service) Reset(ctx context.Context, connectionID int64, actor, key string) (Value, error) {
	if _, ok := Lookup(key); !ok {
		return Value{}, unknownKey(key)
	}
	return s.change(ctx, connectionID, actor, key, nil)
}

func (s *Service) change(ctx context.Context, connectionID int64, actor, key string, value *float64) (Value, error) {
	t, _ := Lookup(key)
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		jobs, err := areaJobs(ctx, tx, connectionID, t.Area())
		if err != nil {
			return err
		}
		if len(jobs) == 0 {
			return fmt.Errorf("settings: %s: %w %q (it is created when aicoo serve or aicoo worker starts)", key, ErrNoJob, t.Area())
		}
		var from any
		for i, j := range jobs {
			c, err := parseConfig(j.Config)
			if err != nil {
				return fmt.Errorf("job %q: %w", j.Name, err)
			}
			if i == 0 {
				if x, ok := c.thresholds[key]; ok {
					from = x
				}
			}
			if value == nil {
				delete(c.thresholds, key)
			} else {
				c.thresholds[key] = *value
			}
			raw, err := c.marshal()
			if err != nil {
				return err
			}
			if _, err := tx.MonitoringJobUpdate(ctx, j.ID, store.MonitoringJobParams{ConnectionID: j.ConnectionID, Name: j.Name,
				Schedule: j.Schedule, AnalyzerType: j.AnalyzerType, Config: raw, Enabled: j.Enabled}); err != nil {
				return err
			}
		}
		action, details := "settings.threshold_changed", map[string]any{"key": key, "from": from, "default": t.Default}
		if value == nil {
			action = "settings.threshold_reset"
		} else {
			details["to"] = *value
		}
		_, err = tx.AuditRecord(ctx, store.AuditAppendParams{ConnectionID: connectionID, Actor: actor, Action: action,
			Subject: "threshold:" + key}, details)
		return err
	})
	if err != nil {
		return Value{}, err
	}
	return s.Get(ctx, connectionID, key)
}

// Preview is what the area's analysis would find with a proposed value,
// against what it finds with the stored thresholds, on the same synced
// records and date.
type Preview struct {
	Key      string  `json:"key"`
	Area     string  `json:"area"`
	Current  float64 `json:"current"`
	Proposed float64 `json:"proposed"`
	// Findings are the area's insights now and with the proposed value.
	Findings     int `json:"findings"`
	WithProposed int `json:"findings_with_proposed"`
	// Incomplete lists models not completely synced: the analysis would be
	// withheld, so the counts say nothing.
	Incomplete []string `json:"incomplete,omitempty"`
}

// Preview reruns the area's analyzer on the connection's synced records
// with the stored thresholds and with key set to value. It writes nothing.
func (s *Service) Preview(ctx context.Context, connectionID int64, key string, value float64) (*Preview, error) {
	t, err := Check(key, value)
	if err != nil {
		return nil, err
	}
	cur, err := s.Get(ctx, connectionID, key)
	if err != nil {
		return nil, err
	}
	th, err := stored(ctx, s.Store, connectionID, t.Area())
	if err != nil {
		return nil, err
	}
	conn, err := s.Store.ConnectionByID(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	var src analysis.Source = analysis.StoreSource{Store: s.Store, ConnectionID: connectionID}
	if s.Cache != nil {
		src = s.Cache.AnalysisSource(s.Store, connectionID)
	}
	a := analyzerOf(t.Area())
	run := func(th map[string]float64) (*analysis.Result, error) {
		env := &analysis.Env{Source: src, Today: odoo.DateOf(s.now().UTC()), Thresholds: th, OdooURL: conn.OdooURL}
		res, err := analysis.Run(ctx, a, env)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrPreview, err)
		}
		return res, nil
	}
	before, err := run(th)
	if err != nil {
		return nil, err
	}
	proposed := make(map[string]float64, len(th)+1)
	for k, v := range th {
		proposed[k] = v
	}
	proposed[key] = value
	after, err := run(proposed)
	if err != nil {
		return nil, err
	}
	p := &Preview{Key: key, Area: t.Area(), Current: cur.Value, Proposed: value, Findings: len(before.Insights), WithProposed: len(after.Insights),
		Incomplete: after.Incomplete}
	return p, nil
}

// Sentence says what the preview found, e.g. "With 45 instead of 60, 12
// more finance findings (30 instead of 18)."
func (p *Preview) Sentence() string {
	if len(p.Incomplete) > 0 {
		return "No preview: " + strings.Join(p.Incomplete, ", ") + " not completely synced, so the analysis would be withheld."
	}
	head := fmt.Sprintf("With %s instead of %s, ", analysis.FormatThreshold(p.Proposed), analysis.FormatThreshold(p.Current))
	d := p.WithProposed - p.Findings
	plural := func(n int) string {
		if n == 1 {
			return p.Area + " finding"
		}
		return p.Area + " findings"
	}
	switch {
	case d > 0:
		return head + fmt.Sprintf("%d more %s (%d instead of %d).", d, plural(d), p.WithProposed, p.Findings)
	case d < 0:
		return head + fmt.Sprintf("%d fewer %s (%d instead of %d).", -d, plural(-d), p.WithProposed, p.Findings)
	}
	return head + fmt.Sprintf("the same number of %s findings (%d); their priorities or details may differ.", p.Area, p.Findings)
}
