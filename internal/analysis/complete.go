package analysis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// ErrIncomplete marks a synced model whose local copy is not complete and
// current: its last sync failed or was cut short, or it was never fully
// synced. Figures computed from it would be wrong, not merely missing.
var ErrIncomplete = errors.New("not completely synced")

// IncompleteError says which model is incomplete and since when.
type IncompleteError struct {
	Model string
	// Since is the end of the model's last complete sync, or, when it was
	// never completely synced, when its first sync began (zero if it has
	// not begun).
	Since time.Time
	// Never reports that the model was never completely synced.
	Never bool
}

func (e *IncompleteError) Error() string {
	switch {
	case e.Since.IsZero():
		return e.Model + " has not been synced yet"
	case e.Never:
		return e.Model + " could not be synced since " + e.Since.UTC().Format("2006-01-02 15:04 UTC") + " (never completely synced)"
	}
	return e.Model + " could not be synced since " + e.Since.UTC().Format("2006-01-02 15:04 UTC")
}

// Unwrap makes errors.Is(err, ErrIncomplete) hold.
func (e *IncompleteError) Unwrap() error { return ErrIncomplete }

// CompletenessChecker is implemented by a Source that knows whether its
// copy of a model is complete (the store-backed sources). A Source without
// it is taken as complete.
type CompletenessChecker interface {
	// Complete returns nil when the copy of model is complete and current,
	// or when the model is not synced at all (Records then says it is
	// unavailable), and an error wrapping ErrIncomplete otherwise.
	Complete(ctx context.Context, model string) error
}

// syncComplete judges a model's sync state: complete after a successful
// sync, and while a later sync runs over that complete copy; incomplete
// when the last sync failed (the copy is behind Odoo since the last
// success), or no sync of the model has ever finished.
func syncComplete(st *store.OdooSyncState) error {
	switch {
	case st.Status == store.OdooSyncOK || st.Status == store.OdooSyncNotInstalled:
		return nil
	case st.Status == store.OdooSyncRunning && !st.LastSuccessAt.IsZero():
		return nil
	case !st.LastSuccessAt.IsZero():
		return &IncompleteError{Model: st.Model, Since: st.LastSuccessAt}
	}
	since := st.StartedAt
	if since.IsZero() {
		since = st.LastSyncedAt
	}
	return &IncompleteError{Model: st.Model, Since: since, Never: true}
}

// Complete implements CompletenessChecker.
func (s StoreSource) Complete(ctx context.Context, model string) error {
	st, err := s.Store.OdooSyncStateGet(ctx, s.ConnectionID, model)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return syncComplete(st)
}

// Complete implements CompletenessChecker.
func (cs cachedSource) Complete(ctx context.Context, model string) error {
	return cs.inner.Complete(ctx, model)
}

// guardSource notes the incomplete models an analysis reads.
type guardSource struct {
	src     Source
	checker CompletenessChecker
	mu      sync.Mutex
	missing map[string]*IncompleteError
}

func (g *guardSource) Records(ctx context.Context, model string) ([]odoo.Record, error) {
	if err := g.checker.Complete(ctx, model); err != nil {
		var inc *IncompleteError
		if !errors.As(err, &inc) {
			return nil, fmt.Errorf("model %s: sync state: %w", model, err)
		}
		g.mu.Lock()
		g.missing[model] = inc
		g.mu.Unlock()
	}
	// The records are read all the same, so the analysis runs through and
	// names every figure it would publish.
	return g.src.Records(ctx, model)
}

// Run runs an analyzer and sorts its result. When the source knows the
// completeness of its models (CompletenessChecker) and the analysis read a
// model that is not completely synced, the result is withheld (see
// Withhold): an analyzer combines the models it reads into its figures and
// findings, so none of them can be trusted.
func Run(ctx context.Context, a Analyzer, env *Env) (*Result, error) {
	checker, ok := env.Source.(CompletenessChecker)
	var g *guardSource
	if ok {
		g = &guardSource{src: env.Source, checker: checker, missing: map[string]*IncompleteError{}}
		guarded := *env
		guarded.Source = g
		env = &guarded
	}
	res, err := a.Analyze(ctx, env)
	if err != nil {
		return nil, err
	}
	res.Sort()
	if g != nil && len(g.missing) > 0 {
		errs := make([]*IncompleteError, 0, len(g.missing))
		for _, e := range g.missing {
			errs = append(errs, e)
		}
		Withhold(res, errs)
	}
	return res, nil
}

// WithheldNotePrefix starts the note of every metric Withhold withholds.
const WithheldNotePrefix = "not available — "

// Withhold turns a result computed over incomplete models into one that
// publishes nothing: every metric is unavailable with a note naming the
// models ("not available — crm.lead could not be synced since ..."), the
// insights are dropped, and Incomplete lists the models, so that alert
// evaluation neither raises nor resolves the area's alerts.
func Withhold(res *Result, errs []*IncompleteError) {
	slices.SortFunc(errs, func(a, b *IncompleteError) int { return strings.Compare(a.Model, b.Model) })
	msgs := make([]string, len(errs))
	res.Incomplete = make([]string, len(errs))
	for i, e := range errs {
		msgs[i], res.Incomplete[i] = e.Error(), e.Model
	}
	note := WithheldNotePrefix + strings.Join(msgs, "; ")
	for i := range res.Metrics {
		m := &res.Metrics[i]
		m.Value, m.Available, m.Note, m.Refs = 0, false, note, nil
	}
	res.Insights = nil
}
