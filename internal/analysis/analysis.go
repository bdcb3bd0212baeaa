// Package analysis is the analyzer framework: analyzers read synced Odoo
// records through a Source, compute metrics and insights in Go (never with
// a language model), and return a Result that the job engine stores with its
// history. Each area (finance, sales, operations, customers, expenses) is a
// sub-package implementing Analyzer.
package analysis

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
)

// ErrUnavailable marks data Odoo cannot provide, typically because a module
// is not installed. A figure that depends on it is reported unavailable,
// never as zero.
var ErrUnavailable = errors.New("not available")

// Source gives analyzers the synced records of a connection.
type Source interface {
	// Records returns every record of model, archived ones included (each
	// has "active" when the model has that field). It returns an error
	// wrapping ErrUnavailable when the model does not exist in this Odoo.
	Records(ctx context.Context, model string) ([]odoo.Record, error)
}

// Env is what an analyzer runs with.
type Env struct {
	Source Source
	// Today is the reference date: ages and due dates are relative to it.
	Today odoo.Date
	// Thresholds holds the connection's settings; Threshold falls back to
	// the analyzer's defaults.
	Thresholds map[string]float64
	// OdooURL is the base URL of the Odoo server, for links to records.
	// Empty means no links.
	OdooURL string
}

// Threshold returns the configured value of name, or def.
func (e *Env) Threshold(name string, def float64) float64 {
	if v, ok := e.Thresholds[name]; ok {
		return v
	}
	return def
}

// Link returns a URL that opens the record in Odoo, or "" without OdooURL.
// The /web# form works from Odoo 16 to 19 (17.2+ redirects it to /odoo/...).
func (e *Env) Link(model string, id int64) string {
	if e.OdooURL == "" || id == 0 {
		return ""
	}
	return e.OdooURL + "/web#id=" + strconv.FormatInt(id, 10) + "&model=" + model + "&view_type=form"
}

// Ref points at the records behind a figure or an insight.
type Ref struct {
	Model string  `json:"model"`
	IDs   []int64 `json:"ids"`
	// URL opens the first record in Odoo.
	URL string `json:"url,omitempty"`
}

// Ref builds a Ref with a link to the first id.
func (e *Env) Ref(model string, ids ...int64) Ref {
	r := Ref{Model: model, IDs: ids}
	if len(ids) > 0 {
		r.URL = e.Link(model, ids[0])
	}
	return r
}

// Metric is one computed figure.
type Metric struct {
	// Name is a stable dotted identifier, e.g. "finance.ar.overdue_60_plus".
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	// Unit is a currency code, "days", "ratio", "count" or "percent".
	Unit      string `json:"unit"`
	CompanyID int64  `json:"company_id,omitempty"`
	// Available is false when the data behind the figure does not exist in
	// this Odoo (Value is then meaningless and shown as "not available").
	Available bool   `json:"available"`
	Note      string `json:"note,omitempty"`
	Refs      []Ref  `json:"refs,omitempty"`
	// Period is the span of days a figure of one period covers (a budget
	// line's plan and actual); nil for the others.
	Period *Period `json:"period,omitempty"`
}

// Period is a span of days, both ends included.
type Period struct {
	From odoo.Date `json:"from"`
	To   odoo.Date `json:"to"`
}

// Insight is a finding that may deserve attention.
type Insight struct {
	// Kind names the detector, e.g. "overdue_invoice"; evaluation scores
	// detectors by kind.
	Kind      string `json:"kind"`
	Priority  string `json:"priority"` // critical, high, medium, low
	Title     string `json:"title"`
	Detail    string `json:"detail"`
	CompanyID int64  `json:"company_id,omitempty"`
	// Subject identifies what the insight is about ("account.move:42"), so
	// a lasting condition keeps one fingerprint across runs.
	Subject string             `json:"subject"`
	Refs    []Ref              `json:"refs"`
	Facts   map[string]float64 `json:"facts,omitempty"`
	// Score ranks insights of one kind, 0 (benign) to 1 (severe).
	Score float64 `json:"score"`
}

// Result is what one analyzer found in one run.
type Result struct {
	Area     string    `json:"area"`
	Metrics  []Metric  `json:"metrics"`
	Insights []Insight `json:"insights"`
	// Incomplete lists the models the analysis read that were not
	// completely synced; when set, the result is withheld (see Withhold).
	Incomplete []string `json:"incomplete,omitempty"`
}

// Sort orders metrics by name and insights by priority, then score.
func (r *Result) Sort() {
	sort.SliceStable(r.Metrics, func(i, j int) bool {
		if r.Metrics[i].Name != r.Metrics[j].Name {
			return r.Metrics[i].Name < r.Metrics[j].Name
		}
		return r.Metrics[i].CompanyID < r.Metrics[j].CompanyID
	})
	sort.SliceStable(r.Insights, func(i, j int) bool {
		a, b := r.Insights[i], r.Insights[j]
		if PriorityRank(a.Priority) != PriorityRank(b.Priority) {
			return PriorityRank(a.Priority) < PriorityRank(b.Priority)
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.Subject < b.Subject
	})
}

// PriorityRank orders priorities, 0 most urgent.
func PriorityRank(p string) int {
	switch p {
	case "critical":
		return 0
	case "high":
		return 1
	case "medium":
		return 2
	case "low":
		return 3
	}
	return 4
}

// Analyzer computes one area's figures and findings.
type Analyzer interface {
	// Area names the analyzer: finance, sales, operations, customers, expenses.
	Area() string
	Analyze(ctx context.Context, env *Env) (*Result, error)
}

// DaysBetween returns the whole days from a to b (negative when b is before a).
func DaysBetween(a, b odoo.Date) int {
	return int(b.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
}

// Records fetches a model, wrapping the error with the model read.
func Records(ctx context.Context, src Source, model string) ([]odoo.Record, error) {
	recs, err := src.Records(ctx, model)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", model, err)
	}
	return recs, nil
}

// Optional reads a model that may be missing: it returns nil and false when
// the model is unavailable in this Odoo (module not installed, not synced),
// and the error for anything else.
func Optional(ctx context.Context, src Source, model string) ([]odoo.Record, bool, error) {
	recs, err := Records(ctx, src, model)
	if errors.Is(err, ErrUnavailable) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return recs, true, nil
}
