package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
)

// Config configures an Engine.
type Config struct {
	// Notifier receives the notifications the tick decides. Required by Tick.
	Notifier Notifier
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// Logger defaults to a discarding logger.
	Logger *slog.Logger
	// DailyCap is how many notifications one user gets per UTC day before
	// the rest wait for the next day's digest (critical alerts and
	// escalations always go out). 0 means DailyCapDefault, negative no cap.
	DailyCap int
	// DefaultChannels are used by rules that name none. Defaults to in_app.
	DefaultChannels []string
	// BaseURL of the dashboard, for links in notifications.
	BaseURL string
	// Metrics observe acknowledgements (NewMetrics). Nil observes nothing.
	Metrics *Metrics
	// Catalogue names the areas, metrics and insight kinds rules may read.
	// Defaults to the analyzers' (package areas).
	Catalogue *analysis.Catalogue
	// Channels are the notification channel kinds rules and escalation
	// levels may name, and which of them post to a shared target.
	// Defaults to the built-in kinds (notify.Unconfigured).
	Channels *notify.Registry
}

// DailyCapDefault is the default daily cap of notifications per user.
const DailyCapDefault = 20

// Engine evaluates rules and runs the notification tick.
type Engine struct {
	s        *store.Store
	notifier Notifier
	now      func() time.Time
	log      *slog.Logger
	cap      int
	channels []string
	baseURL  string
	metrics  *Metrics
	cat      *analysis.Catalogue
	chans    *notify.Registry
	// access says which roles see an alert's area: nobody is notified of
	// an alert their role does not see on the dashboard.
	access *access.Table
}

// New returns an engine over the store.
func New(s *store.Store, cfg Config) *Engine {
	e := &Engine{s: s, notifier: cfg.Notifier, now: cfg.Now, log: cfg.Logger, cap: cfg.DailyCap,
		channels: cfg.DefaultChannels, baseURL: strings.TrimRight(cfg.BaseURL, "/"), metrics: cfg.Metrics, cat: cfg.Catalogue, chans: cfg.Channels}
	if e.cat == nil {
		e.cat = catalogue
	}
	e.access = access.New(e.cat)
	if e.chans == nil {
		e.chans = channels
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.cap == 0 {
		e.cap = DailyCapDefault
	}
	if len(e.channels) == 0 {
		e.channels = []string{notify.KindInApp}
	}
	return e
}

// EvalResult counts what one evaluation changed.
type EvalResult struct {
	Raised   int // new alerts
	Updated  int // open alerts seen again
	Resolved int // open alerts whose condition cleared
	Pending  int // conditions holding but still in their pending period
	NoData   int // metric rules whose metrics were missing or unavailable
	// Withheld counts the rules left alone because the result was computed
	// over models not completely synced (analysis.Result.Incomplete).
	Withheld int
	// Errors are rule evaluation errors (a rule failing does not stop the
	// others).
	Errors []string
	// Changes are the alerts raised and resolved, for live pages.
	Changes []Change
}

// Change is an alert an evaluation raised (status new) or resolved.
type Change struct {
	AlertID int64
	Area    string
	Status  string
	Title   string
}

// Firing is one subject for which a rule's condition holds now.
type Firing struct {
	RuleID      int64
	Rule        string
	Subject     string
	Fingerprint string
	Priority    string
	Title       string
	Detail      string
	CompanyID   int64
	Data        map[string]any
}

// fires evaluates one compiled rule against a result and returns what
// holds, with the evaluation errors and no-data count.
func fires(r *store.AlertRule, p *Program, res *analysis.Result) (out []Firing, errs []string, noData int) {
	switch p.Spec.Source {
	case store.RuleSourceInsight:
		seen := map[string]bool{}
		for _, in := range res.Insights {
			if in.Kind != p.Spec.InsightKind {
				continue
			}
			env := map[string]any{"priority": in.Priority, "score": in.Score, "subject": in.Subject,
				"company_id": float64(in.CompanyID), "kind": in.Kind, "threshold": p.Spec.Threshold}
			missing := false
			for _, n := range p.Names {
				v, ok := in.Facts[n]
				if !ok {
					missing = true
					break
				}
				env[n] = v
			}
			if missing {
				noData++
				continue
			}
			ok, prio, err := p.run(env, in.Priority)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			fp := ruleFingerprint(r, in.Subject)
			if !ok || seen[fp] {
				continue
			}
			seen[fp] = true
			out = append(out, Firing{RuleID: r.ID, Rule: r.Name, Subject: in.Subject, Fingerprint: fp, Priority: prio,
				Title: in.Title, Detail: in.Detail, CompanyID: in.CompanyID,
				Data: map[string]any{"kind": in.Kind, "subject": in.Subject, "refs": in.Refs, "facts": in.Facts,
					"score": in.Score, "company_id": in.CompanyID}})
		}
	case store.RuleSourceMetric:
		if res.Area != p.Area {
			return nil, nil, 0
		}
		byCompany := map[int64]map[string]analysis.Metric{}
		for _, m := range res.Metrics {
			if byCompany[m.CompanyID] == nil {
				byCompany[m.CompanyID] = map[string]analysis.Metric{}
			}
			byCompany[m.CompanyID][m.Name] = m
		}
		companies := make([]int64, 0, len(byCompany))
		for c := range byCompany {
			if c != 0 || len(byCompany) == 1 {
				companies = append(companies, c)
			}
		}
		slices.Sort(companies)
		for _, c := range companies {
			values := map[string]float64{}
			for _, n := range p.Metrics {
				m, ok := byCompany[c][n]
				if !ok {
					m, ok = byCompany[0][n]
				}
				if !ok || !m.Available {
					break
				}
				values[n] = m.Value
			}
			if len(values) < len(p.Metrics) {
				noData++
				continue
			}
			ok, prio, err := p.run(metricEnv(p.Metrics, values, p.Spec.Threshold, c), "")
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			if !ok {
				continue
			}
			subject := "connection"
			if c != 0 {
				subject = "res.company:" + strconv.FormatInt(c, 10)
			}
			var parts []string
			for _, n := range p.Metrics {
				parts = append(parts, fmt.Sprintf("%s = %s", n, strconv.FormatFloat(values[n], 'f', -1, 64)))
			}
			detail := strings.TrimSpace(r.Description + " " + strings.Join(parts, ", ") + ".")
			out = append(out, Firing{RuleID: r.ID, Rule: r.Name, Subject: subject, Fingerprint: ruleFingerprint(r, subject),
				Priority: prio, Title: r.Name + " (" + subject + ")", Detail: detail, CompanyID: c,
				Data: map[string]any{"metrics": values, "company_id": c, "expression": r.Expression, "threshold": r.Threshold}})
		}
	}
	return out, errs, noData
}

// ruleFingerprint gives built-in insight rules the insight fingerprint
// (see insightPrefix), so alerts raised before rules existed carry over.
func ruleFingerprint(r *store.AlertRule, subject string) string {
	if r.Builtin != "" && r.Source == store.RuleSourceInsight {
		return insightFingerprint(r.InsightKind, subject)
	}
	return "rule:" + strconv.FormatInt(r.ID, 10) + ":" + subject
}

// appliesTo reports whether a rule is evaluated on a result of the area.
func appliesTo(cat *analysis.Catalogue, p *Program, area string) bool {
	switch p.Spec.Source {
	case store.RuleSourceInsight:
		return slices.Contains(cat.AreasOfKind(p.Spec.InsightKind), area)
	case store.RuleSourceMetric:
		return p.Area == area
	}
	return false
}

// Evaluate runs the connection's enabled rules over one analysis result, in
// one transaction: it raises or updates an alert per firing subject once
// its pending period has passed, and resolves, with a note, the open alerts
// of the evaluated rules (from this area) whose condition cleared. A result
// withheld for incomplete data (res.Incomplete) changes no alert. The job
// engine calls it after each analysis run.
func (e *Engine) Evaluate(ctx context.Context, connectionID int64, res *analysis.Result) (EvalResult, error) {
	var er EvalResult
	if res == nil {
		return er, errors.New("alerts: evaluate: no result")
	}
	now := e.now().UTC()
	err := e.s.InTx(ctx, func(tx *store.Store) error {
		er = EvalResult{}
		rules, err := tx.AlertRuleList(ctx, connectionID, true)
		if err != nil {
			return err
		}
		for _, r := range rules {
			if r.Source == store.RuleSourceAlert {
				continue
			}
			p, err := compileStored(e.cat, e.chans, r)
			if err != nil {
				er.Errors = append(er.Errors, err.Error())
				continue
			}
			if !appliesTo(e.cat, p, res.Area) {
				continue
			}
			if len(res.Incomplete) > 0 {
				// Figures and findings from an incomplete copy are withheld:
				// an absent finding is not a cleared condition, so the
				// rule's alerts stay as they are, neither raised nor
				// resolved, until a complete analysis.
				er.Withheld++
				continue
			}
			if err := e.evaluateRule(ctx, tx, connectionID, r, p, res, now, &er); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return er, fmt.Errorf("alerts: evaluate %s: %w", res.Area, err)
	}
	for _, msg := range er.Errors {
		e.log.WarnContext(ctx, "alerts: rule evaluation failed", "area", res.Area, "error", msg)
	}
	return er, nil
}

func (e *Engine) evaluateRule(ctx context.Context, tx *store.Store, connectionID int64, r *store.AlertRule, p *Program,
	res *analysis.Result, now time.Time, er *EvalResult) error {
	firing, errs, noData := fires(r, p, res)
	er.Errors = append(er.Errors, errs...)
	er.NoData += noData
	open, err := tx.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: connectionID, OpenOnly: true, RuleID: r.ID})
	if err != nil {
		return err
	}
	openByFP := map[string]*store.AlertDetail{}
	for _, a := range open {
		openByFP[a.Fingerprint] = a
	}
	holding := map[string]bool{}
	statePrefix := res.Area + "|"
	var keep []string
	for _, f := range firing {
		holding[f.Fingerprint] = true
		if r.PendingEvaluations > 1 || r.PendingFor > 0 {
			key := statePrefix + f.Subject
			keep = append(keep, key)
			st, err := tx.AlertRuleStateHold(ctx, connectionID, r.ID, key, now)
			if err != nil {
				return err
			}
			if _, already := openByFP[f.Fingerprint]; !already &&
				(st.Evaluations < r.PendingEvaluations || now.Sub(st.Since) < r.PendingFor) {
				er.Pending++
				continue
			}
		}
		if err := e.raise(ctx, tx, connectionID, r, res.Area, f, openByFP[f.Fingerprint], now, er); err != nil {
			return err
		}
	}
	if _, err := tx.AlertRuleStateClear(ctx, r.ID, statePrefix, keep); err != nil {
		return err
	}
	// Open alerts of this rule from the same area that no longer hold. A
	// built-in insight rule also owns the alerts raised before rules
	// existed (same fingerprints, no rule yet).
	if r.Builtin != "" && r.Source == store.RuleSourceInsight {
		legacy, err := tx.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: connectionID, OpenOnly: true})
		if err != nil {
			return err
		}
		for _, a := range legacy {
			if a.RuleID == 0 && strings.HasPrefix(a.Fingerprint, insightFingerprint(r.InsightKind, "")) {
				open = append(open, a)
			}
		}
	}
	for _, a := range open {
		if a.Type != res.Area || holding[a.Fingerprint] {
			continue
		}
		note := fmt.Sprintf("Condition cleared: rule %q no longer holds for %s in the %s analysis of %s.",
			r.Name, subjectOf(a), res.Area, now.Format(time.RFC3339))
		ok, err := tx.AlertAutoResolve(ctx, connectionID, a.Fingerprint, note, now)
		if err != nil {
			return err
		}
		if ok {
			er.Resolved++
			er.Changes = append(er.Changes, Change{AlertID: a.ID, Area: a.Type, Status: store.AlertResolved, Title: a.Title})
		}
	}
	return nil
}

func subjectOf(a *store.AlertDetail) string {
	if a.Subject != "" {
		return a.Subject
	}
	return a.Fingerprint
}

// raise opens or updates the alert of one firing subject.
func (e *Engine) raise(ctx context.Context, tx *store.Store, connectionID int64, r *store.AlertRule, area string, f Firing,
	before *store.AlertDetail, now time.Time, er *EvalResult) error {
	data, err := json.Marshal(f.Data)
	if err != nil {
		return err
	}
	ann := annotation(r, area, f)
	fired, err := tx.AlertRaiseWithEvent(ctx, store.AlertFireParams{
		AlertRaiseParams: store.AlertRaiseParams{ConnectionID: connectionID, Fingerprint: f.Fingerprint,
			Type: area, Priority: f.Priority, Title: f.Title, Description: f.Detail, Data: data},
		Annotation: &ann, At: now,
		Note: fmt.Sprintf("rule %q fired for %s at %s priority", r.Name, f.Subject, f.Priority)})
	if err != nil {
		return err
	}
	a := fired.Alert
	if !fired.Created {
		er.Updated++
		if before == nil || before.RuleID != r.ID {
			return tx.AlertAnnotate(ctx, a.ID, ann)
		}
		if store.PriorityRank(a.Priority) < store.PriorityRank(before.Priority) {
			// More urgent than when people last heard: tell them again.
			if err := tx.AlertSetNotifyPending(ctx, a.ID, true); err != nil {
				return err
			}
			_, err := tx.AlertEventAppend(ctx, store.AlertEventParams{ConnectionID: connectionID, AlertID: a.ID, At: now,
				Action: "priority_raised", Note: fmt.Sprintf("priority %s -> %s", before.Priority, a.Priority)})
			return err
		}
		return nil
	}
	er.Raised++
	er.Changes = append(er.Changes, Change{AlertID: a.ID, Area: area, Status: store.AlertNew, Title: a.Title})
	return nil
}

func annotation(r *store.AlertRule, area string, f Firing) store.AlertAnnotation {
	labels := map[string]string{}
	for k, v := range r.Labels {
		labels[k] = v
	}
	labels["rule"] = r.Name
	labels["area"] = area
	labels["subject"] = f.Subject
	if r.InsightKind != "" {
		labels["kind"] = r.InsightKind
	}
	if f.CompanyID != 0 {
		labels["company_id"] = strconv.FormatInt(f.CompanyID, 10)
	}
	return store.AlertAnnotation{RuleID: r.ID, Subject: f.Subject, Labels: labels, EscalationPolicyID: r.EscalationPolicyID}
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
