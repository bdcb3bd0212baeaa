// Package pipeline owns aicoo's runtime data flow, top to bottom: an Odoo
// sync, then the analyses of the synced connection; each analysis result
// raises and resolves alerts (published live to open dashboards), then
// proposes actions; and the periodic ticks (alert grouping and
// escalation, briefings, actions maintenance, housekeeping) with their
// timeouts. It adapts the sync and the analyzers to the job engine
// (package jobs), so that analysis and odoosync need not know River.
// Package cli builds the parts from configuration and starts them.
package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/history"
	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
)

// ActionsMaintainType is the analyzer type of the actions maintenance job.
const ActionsMaintainType = "actions.maintain"

// Engine is what the pipeline asks of the job engine: run a job now, and
// enqueue a one-off job (an action's execution).
type Engine interface {
	RunNow(ctx context.Context, jobID int64) error
	Insert(ctx context.Context, args river.JobArgs) error
}

// AlertPublisher hears of each alert an analysis raised or resolved, to
// tell the dashboards open in this process at once.
type AlertPublisher interface {
	AlertChanged(connectionID int64, c alerts.Change)
}

// Config holds the parts the pipeline connects.
type Config struct {
	Store  *store.Store
	Logger *slog.Logger
	// Analyzers are the business analyzers, one per area.
	Analyzers []analysis.Analyzer
	// Records, if not nil, shares decoded synced records between the analyses.
	Records *analysis.RecordCache
	Alerts  *alerts.Engine
	Actions *actions.Service
	// Publisher, if not nil, hears of each alert change.
	Publisher AlertPublisher
	// NewSyncer builds the syncer of a connection (connecting its client).
	NewSyncer func(ctx context.Context, connectionID int64) (*odoosync.Syncer, error)
	// HoldsCredentials reports whether this process holds the Odoo
	// credentials of a connection: only then are actions proposed.
	HoldsCredentials func(connectionID int64) bool
	// Briefings runs the briefings tick of one connection.
	Briefings func(ctx context.Context, connectionID int64) error
	// Housekeeping, if not nil, runs every hour.
	Housekeeping func(ctx context.Context) error
	// History, if not nil, extends a connection's stored figure history
	// after each successful sync (package history).
	History HistoryUpdater
	Now     func() time.Time
}

// HistoryUpdater brings a connection's figure history up to date.
type HistoryUpdater interface {
	Update(ctx context.Context, connectionID int64) (history.Report, error)
}

// Pipeline is the data flow of one process.
type Pipeline struct {
	cfg    Config
	engine Engine
	// syncing holds the connections with a sync running in this process.
	syncing sync.Map
}

// New checks cfg and returns the pipeline; Attach the engine before it runs.
func New(cfg Config) (*Pipeline, error) {
	if cfg.Store == nil || cfg.Alerts == nil || cfg.Actions == nil || cfg.NewSyncer == nil || cfg.Briefings == nil {
		return nil, errors.New("pipeline: Store, Alerts, Actions, NewSyncer and Briefings are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HoldsCredentials == nil {
		cfg.HoldsCredentials = func(int64) bool { return false }
	}
	return &Pipeline{cfg: cfg}, nil
}

// Attach gives the pipeline the engine that runs its jobs (built from
// Analyzers and Ticks, hence after them).
func (p *Pipeline) Attach(e Engine) { p.engine = e }

// Analyzers lists the analyzer types this pipeline runs: the Odoo sync,
// the actions maintenance and one per business area. A successful sync
// triggers the connection's analyses at once, so they see fresh data.
func (p *Pipeline) Analyzers() (*jobs.Registry, error) {
	syncer := SyncAnalyzer(p.cfg.NewSyncer)
	syncFunc := syncer.Func
	syncer.Func = func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
		// One sync per connection at a time: a long first sync must not be
		// joined by the next scheduled one doing the same work.
		if busy, err := p.syncBusy(ctx, run.Job.ConnectionID); err != nil || busy {
			if err != nil {
				return jobs.Outcome{}, err
			}
			return jobs.Outcome{Skipped: "another sync of this connection was running"}, nil
		}
		defer p.syncing.Delete(run.Job.ConnectionID)
		out, err := syncFunc(ctx, run)
		if err == nil {
			p.RunAnalyses(ctx, run.Job.ConnectionID)
			p.updateHistory(ctx, run.Job.ConnectionID)
		}
		return out, err
	}
	list := []jobs.Analyzer{syncer, p.actionsMaintainer()}
	for _, an := range p.cfg.Analyzers {
		list = append(list, JobAnalyzer(p.cfg.Store, an, p.cfg.Now, p.cfg.Records, p.OnResult))
	}
	return jobs.NewRegistry(list...)
}

// updateHistory extends the connection's figure history with what the
// sync brought. A failure is logged, not the sync's: the next sync retries.
func (p *Pipeline) updateHistory(ctx context.Context, connectionID int64) {
	if p.cfg.History == nil {
		return
	}
	rep, err := p.cfg.History.Update(ctx, connectionID)
	if err != nil {
		p.cfg.Logger.ErrorContext(ctx, "updating the figure history after sync", "connection", connectionID, "error", err)
		return
	}
	if !rep.Skipped {
		p.cfg.Logger.InfoContext(ctx, "figure history updated", "connection", connectionID, "from", rep.From, "points", rep.Points, "duration", rep.Duration)
	}
}

// Ticks are the periodic work of the pipeline. Alert escalation and
// briefings run per connection, in its queue, with this process's
// channels and language model.
func (p *Pipeline) Ticks() []jobs.Tick {
	ticks := []jobs.Tick{
		{Name: "alerts", Interval: 30 * time.Second, ConnectionFunc: func(ctx context.Context, connectionID int64) error {
			_, err := p.cfg.Alerts.TickConnection(ctx, connectionID)
			return err
		}},
		// Often, so a new connection's first briefing follows its first
		// analyses closely (a tick with nothing due is a few reads per
		// connection), with time for slow model calls; runs never
		// overlap, so a slow one is not repeated by the next ticks.
		{Name: "briefings", Interval: 20 * time.Second, Timeout: 5 * time.Minute, ConnectionFunc: p.cfg.Briefings},
	}
	if p.cfg.Housekeeping != nil {
		ticks = append(ticks, jobs.Tick{Name: "housekeeping", Interval: time.Hour, Func: p.cfg.Housekeeping})
	}
	return ticks
}

// DefaultJobs are the standard monitoring jobs of a connection: an Odoo
// sync every five minutes, the actions maintenance every quarter hour,
// and each analyzer's area every hour (and after every sync).
func DefaultJobs(analyzers []analysis.Analyzer) []store.MonitoringJobParams {
	defs := []store.MonitoringJobParams{
		{Name: "odoo-sync", Schedule: "@every 5m", AnalyzerType: odoosync.AnalyzerType},
		{Name: "actions", Schedule: "@every 15m", AnalyzerType: ActionsMaintainType},
	}
	for _, an := range analyzers {
		defs = append(defs, store.MonitoringJobParams{Name: an.Area(), Schedule: "@every 1h", AnalyzerType: analysis.JobTypePrefix + an.Area()})
	}
	return defs
}

// syncBusy claims the connection's sync for this process, or reports that
// a sync is already running: here, or in another instance that updated the
// connection's sync state within the last two minutes.
func (p *Pipeline) syncBusy(ctx context.Context, connectionID int64) (bool, error) {
	if _, loaded := p.syncing.LoadOrStore(connectionID, true); loaded {
		return true, nil
	}
	states, err := p.cfg.Store.OdooSyncStateList(ctx, connectionID)
	if err != nil {
		p.syncing.Delete(connectionID)
		return false, err
	}
	for _, st := range states {
		if st.Status == store.OdooSyncRunning && p.cfg.Now().Sub(st.UpdatedAt) < 2*time.Minute {
			p.syncing.Delete(connectionID)
			return true, nil
		}
	}
	return false, nil
}

// RunAnalyses enqueues an immediate run of every enabled analysis job of a
// connection.
func (p *Pipeline) RunAnalyses(ctx context.Context, connectionID int64) {
	js, err := p.cfg.Store.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: connectionID, EnabledOnly: true})
	if err != nil {
		p.cfg.Logger.ErrorContext(ctx, "listing analyses to run after sync", "error", err)
		return
	}
	for _, j := range js {
		if strings.HasPrefix(j.AnalyzerType, analysis.JobTypePrefix) {
			if err := p.engine.RunNow(ctx, j.ID); err != nil {
				p.cfg.Logger.ErrorContext(ctx, "enqueueing analysis after sync", "job", j.Name, "error", err)
			}
		}
	}
}

// OnResult turns a result's insights into alerts, then action proposals.
func (p *Pipeline) OnResult(ctx context.Context, job *store.MonitoringJob, res *analysis.Result) error {
	er, err := p.cfg.Alerts.Evaluate(ctx, job.ConnectionID, res)
	if err != nil {
		return err
	}
	// Open dashboards of this process hear of each change at once.
	if p.cfg.Publisher != nil {
		for _, c := range er.Changes {
			p.cfg.Publisher.AlertChanged(job.ConnectionID, c)
		}
	}
	p.cfg.Logger.InfoContext(ctx, "alert rules evaluated", "area", res.Area, "raised", er.Raised, "updated", er.Updated,
		"resolved", er.Resolved, "pending", er.Pending, "no_data", er.NoData, "errors", strings.Join(er.Errors, "; "))
	if !p.cfg.HoldsCredentials(job.ConnectionID) {
		return nil // no Odoo credentials here: nothing can be proposed or checked
	}
	pr, err := p.cfg.Actions.ProposeInsights(ctx, job.ConnectionID, res.Insights, actions.ProposalOpts{Today: odoo.DateOf(p.cfg.Now().UTC())})
	if err != nil {
		// Proposals are a bonus on top of the analysis: a failure is logged,
		// and the analysis result still stored.
		p.cfg.Logger.ErrorContext(ctx, "proposing actions", "area", res.Area, "error", err)
		return nil
	}
	attrs := []any{"area", res.Area, "created", pr.Created, "existing", pr.Existing}
	for _, st := range slices.Sorted(maps.Keys(pr.ByStatus)) {
		attrs = append(attrs, st, pr.ByStatus[st])
	}
	p.cfg.Logger.InfoContext(ctx, "actions proposed", attrs...)
	return nil
}

// actionsMaintainer is the "actions.maintain" monitoring job: it expires
// stale proposals and enqueues approved actions whose enqueue was lost.
func (p *Pipeline) actionsMaintainer() jobs.Analyzer {
	return jobs.Analyzer{
		Type:        ActionsMaintainType,
		Description: "Expire stale action proposals, execute approved actions and check the impact of executed ones",
		Func: func(ctx context.Context, run jobs.Run) (jobs.Outcome, error) {
			expired, err := p.cfg.Actions.ExpireStale(ctx, run.Job.ConnectionID)
			if err != nil {
				return jobs.Outcome{}, err
			}
			ids, err := p.cfg.Actions.Runnable(ctx, run.Job.ConnectionID)
			if err != nil {
				return jobs.Outcome{}, err
			}
			for _, id := range ids {
				if err := p.engine.Insert(ctx, actions.ExecuteArgs{ConnectionID: run.Job.ConnectionID, ActionID: id}); err != nil {
					return jobs.Outcome{}, err
				}
			}
			// The impact check reads only the store; a failure is logged and
			// leaves expiry and execution done.
			ir, err := p.cfg.Actions.EvaluateImpact(ctx, run.Job.ConnectionID)
			if err != nil {
				p.cfg.Logger.ErrorContext(ctx, "checking action impact", "connection", run.Job.ConnectionID, "error", err)
				ir = &actions.ImpactReport{}
			}
			m, _ := json.Marshal(map[string]int{"expired": expired, "enqueued": len(ids), "impact_checked": ir.Checked,
				"impact_improved": ir.Improved, "impact_not_improved": ir.NotImproved, "impact_pending": ir.Pending})
			return jobs.Outcome{Metrics: m}, nil
		},
	}
}
