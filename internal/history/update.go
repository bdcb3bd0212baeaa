package history

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// FullEvery is how often an update recomputes every point whatever
// changed: a record deleted in Odoo leaves no trace to date its change.
const FullEvery = 7 * 24 * time.Hour

// changeModels are the models whose records move the figures, with the
// date fields that place a record in time.
var changeModels = []struct {
	model  string
	dates  []string
	stamps []string
}{
	{"account.move", []string{"date", "invoice_date"}, nil},
	{"account.move.line", []string{"date"}, nil},
	{"account.journal", nil, nil},
	{"account.account", nil, nil},
	{"crm.lead", nil, []string{"create_date", "date_open", "date_closed"}},
	{"crm.stage", nil, nil},
	{"stock.valuation.layer", nil, []string{"create_date"}},
}

// Updater keeps a connection's stored history up to date.
type Updater struct {
	Store *store.Store
	// Source returns the records of a connection (a StoreSource, or a
	// RecordCache's source to share the decoded records with the
	// analyses).
	Source func(connectionID int64) analysis.Source
	// Now is the clock.
	Now func() time.Time
	// Options are the computation's settings; Today and From are set
	// per update.
	Options Options
}

// Report says what an update did.
type Report struct {
	// From is the first day recomputed ("" for everything, when nothing
	// was stored yet or FullEvery passed).
	From string
	// Points is how many points were written.
	Points int
	// Skipped is true when nothing changed and the day is the same, or
	// when Incomplete is set.
	Skipped bool
	// Incomplete names a model whose synced copy is incomplete (its last
	// sync failed): nothing is computed until it is complete again, so the
	// stored history is never computed from half a ledger.
	Incomplete string
	Duration   time.Duration
}

// Update brings the connection's history up to today. The rule for what
// it recomputes:
//
//   - nothing stored yet, or the last full computation is older than
//     FullEvery: everything (24 months);
//   - otherwise, from the earliest of: the first of the month of the
//     earliest date of a record synced since the last update (an entry's
//     or journal item's accounting or invoice date, an opportunity's
//     creation or closing date, a valuation layer's creation; a changed account, journal or stage, or a
//     changed record without a date, means everything), and the day after
//     the last day computed. Monthly flows are keyed by their month's
//     first day, so the whole month of a change is recomputed;
//   - nothing when no record changed and today was already computed.
//
// A payment reconciling an old invoice rewrites the invoice's journal
// item in Odoo, so the history is recomputed from the invoice's date: the
// payment moved the invoice's open amount from the payment date on, and
// the earlier points are recomputed to the same values.
func (u *Updater) Update(ctx context.Context, connectionID int64) (Report, error) {
	start := u.Now()
	today := odoo.DateOf(start.UTC())
	o := u.Options
	o.Today = today
	st, err := u.Store.MetricHistoryStateGet(ctx, connectionID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Report{}, fmt.Errorf("history: %w", err)
	}
	full := st == nil || start.Sub(st.FullAt) >= FullEvery
	var from odoo.Date
	if !full {
		changed, all, err := u.changedSince(ctx, connectionID, st.RecordsUntil)
		if err != nil {
			return Report{}, err
		}
		last, err := odoo.ParseDate(st.LastDay)
		full = all || err != nil
		if !full {
			if changed.IsZero() && last == today {
				return Report{Skipped: true, Duration: u.Now().Sub(start)}, nil
			}
			from = last.AddDays(1)
			if !changed.IsZero() && changed.Before(from) {
				from = changed
			}
			from = odoo.Date{Year: from.Year, Month: from.Month, Day: 1}
			if !o.FirstMonth().Before(from) {
				full = true
			}
		}
	}
	if full {
		from = odoo.Date{}
	}
	o.From = from
	if o.WindowDays, err = u.windowDays(ctx, connectionID); err != nil {
		return Report{}, err
	}
	src := u.Source(connectionID)
	if cc, ok := src.(analysis.CompletenessChecker); ok {
		for _, m := range changeModels {
			if err := cc.Complete(ctx, m.model); errors.Is(err, analysis.ErrIncomplete) {
				return Report{Skipped: true, Incomplete: m.model, Duration: u.Now().Sub(start)}, nil
			} else if err != nil {
				return Report{}, fmt.Errorf("history: %w", err)
			}
		}
	}
	pts, err := Compute(ctx, src, o)
	if err != nil {
		return Report{}, err
	}
	fromDay := ""
	if !from.IsZero() {
		fromDay = from.String()
	}
	if err := u.Store.MetricPointReplace(ctx, connectionID, fromDay, pts); err != nil {
		return Report{}, fmt.Errorf("history: %w", err)
	}
	ns := &store.MetricHistoryState{ConnectionID: connectionID, RecordsUntil: start, FirstDay: o.FirstMonth().String(), LastDay: today.String()}
	if full {
		ns.FullAt = start
	} else {
		ns.FullAt = st.FullAt
	}
	if err := u.Store.MetricHistoryStatePut(ctx, ns); err != nil {
		return Report{}, fmt.Errorf("history: %w", err)
	}
	return Report{From: fromDay, Points: len(pts), Duration: u.Now().Sub(start)}, nil
}

// windowDays returns the DSO window the connection's finance analysis
// uses (its finance.cash_window_days threshold), so that today's DSO point
// equals the live figure; 0 (the default) without a finance job.
func (u *Updater) windowDays(ctx context.Context, connectionID int64) (int, error) {
	if u.Options.WindowDays > 0 {
		return u.Options.WindowDays, nil
	}
	jobs, err := u.Store.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: connectionID})
	if err != nil {
		return 0, fmt.Errorf("history: %w", err)
	}
	for _, j := range jobs {
		if j.AnalyzerType != analysis.JobTypePrefix+"finance" {
			continue
		}
		cfg, err := analysis.ParseJobConfig(j.Config)
		if err != nil {
			return 0, fmt.Errorf("history: finance job config: %w", err)
		}
		if v, ok := cfg.Thresholds[finance.ThresholdCashWindowDays]; ok && v >= 1 {
			return int(v), nil
		}
	}
	return 0, nil
}

// changedSince returns the earliest date of the records synced at or
// after since; all is true when a changed record cannot be placed in time.
func (u *Updater) changedSince(ctx context.Context, connectionID int64, since time.Time) (first odoo.Date, all bool, err error) {
	earlier := func(d odoo.Date) {
		if !d.IsZero() && (first.IsZero() || d.Before(first)) {
			first = d
		}
	}
	for _, m := range changeModels {
		for rec, err := range u.Store.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: connectionID, Model: m.model, SyncedSince: since}) {
			if err != nil {
				return odoo.Date{}, false, fmt.Errorf("history: changed %s: %w", m.model, err)
			}
			if len(m.dates) == 0 && len(m.stamps) == 0 {
				return odoo.Date{}, true, nil
			}
			f, err := rec.Fields()
			if err != nil {
				return odoo.Date{}, false, fmt.Errorf("history: changed %s: %w", m.model, err)
			}
			r := odoo.Record(f)
			var placed bool
			for _, name := range m.dates {
				if d := fields.Date(r, name); !d.IsZero() {
					earlier(d)
					placed = true
				}
			}
			for _, name := range m.stamps {
				if t := fields.Datetime(r, name); !t.IsZero() {
					earlier(fields.Day(t))
					placed = true
				}
			}
			if !placed {
				return odoo.Date{}, true, nil
			}
		}
	}
	return first, false, nil
}
