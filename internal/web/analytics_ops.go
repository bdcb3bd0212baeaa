package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/store"
)

// The operations part of the Analytics page: what aicoo itself cost and
// did (model usage from the ledger, monitoring job runs, how fast alerts
// were answered, whether autonomous actions helped). Each table reads its
// own period; ?days= overrides them all.
const (
	usageDaysDefault  = 30
	jobDaysDefault    = 7
	alertDaysDefault  = 30
	impactDaysDefault = 90
	opsDaysMax        = 366
)

// ImpactRate counts the executed autonomous actions of one type by what
// happened after them.
type ImpactRate struct {
	ActionType string
	// Executed counts the actions executed in the period; the outcomes
	// below add up to it.
	Executed    int
	Improved    int
	NotImproved int
	Pending     int
	Unknown     int
	// RolledBack counts the actions rolled back, left out of the rate.
	RolledBack int
	// Rate is Improved / (Improved + NotImproved), NaN when neither is
	// known yet (a rate is shown only when one is).
	Rate float64
}

// ImpactReporter reports the impact of a connection's autonomous actions
// executed at or after since, per action type. The actions package
// implements it.
type ImpactReporter interface {
	ImpactRates(ctx context.Context, connectionID int64, since time.Time) ([]ImpactRate, error)
}

var errNoImpact = errors.New("web: action impact is not available in this process")

// parseDays reads ?days=, 1 to opsDaysMax, or def when absent.
func parseDays(r *http.Request, def int) (int, error) {
	v := r.URL.Query().Get("days")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > opsDaysMax {
		return 0, fmt.Errorf("days must be a whole number from 1 to %d, not %q", opsDaysMax, v)
	}
	return n, nil
}

// period is the window a table covers: [From, To), To being now.
type period struct {
	Days int       `json:"days"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

func (s *Server) period(days int) period {
	now := s.cfg.NowFunc().UTC()
	return period{Days: days, From: now.AddDate(0, 0, -days), To: now}
}

// showsCost reports whether role sees what the language models cost. AI
// spend is a finance figure, so it goes to the roles that see finance.
func (v *vocab) showsCost(role string) bool { return v.canSeeArea(role, "finance") }

// usageJSON is one feature, provider and model of the usage ledger.
type usageJSON struct {
	Feature          string   `json:"feature"`
	Provider         string   `json:"provider"`
	Model            string   `json:"model"`
	Calls            int64    `json:"calls"`
	Failed           int64    `json:"failed"`
	InputTokens      int64    `json:"input_tokens"`
	OutputTokens     int64    `json:"output_tokens"`
	CacheReadTokens  int64    `json:"cache_read_tokens"`
	CacheWriteTokens int64    `json:"cache_write_tokens"`
	CostUSD          *float64 `json:"cost_usd,omitempty"`
	MeanLatencyMS    int64    `json:"mean_latency_ms"`
	P95LatencyMS     int64    `json:"p95_latency_ms"`
	MaxLatencyMS     int64    `json:"max_latency_ms"`
}

// usageTotalJSON sums the rows of a usage report.
type usageTotalJSON struct {
	Calls            int64    `json:"calls"`
	Failed           int64    `json:"failed"`
	InputTokens      int64    `json:"input_tokens"`
	OutputTokens     int64    `json:"output_tokens"`
	CacheReadTokens  int64    `json:"cache_read_tokens"`
	CacheWriteTokens int64    `json:"cache_write_tokens"`
	CostUSD          *float64 `json:"cost_usd,omitempty"`
}

// usageReport is the ledger over a period. Costs are left out for roles
// that may not see them (ShowsCost false).
type usageReport struct {
	Period    period         `json:"period"`
	ShowsCost bool           `json:"shows_cost"`
	Data      []usageJSON    `json:"data"`
	Total     usageTotalJSON `json:"total"`
}

func (s *Server) usageReport(ctx context.Context, u *store.User, days int) (*usageReport, error) {
	p := s.period(days)
	groups, err := s.cfg.Store.AIUsageByModel(ctx, u.ConnectionID, p.From, p.To)
	if err != nil {
		return nil, err
	}
	rep := &usageReport{Period: p, ShowsCost: s.showsCost(u.Role), Data: []usageJSON{}}
	var cost float64
	for _, g := range groups {
		row := usageJSON{Feature: g.Feature, Provider: g.Provider, Model: g.Model, Calls: g.Calls, Failed: g.Failed,
			InputTokens: g.InputTokens, OutputTokens: g.OutputTokens, CacheReadTokens: g.CacheReadTokens, CacheWriteTokens: g.CacheWriteTokens,
			MeanLatencyMS: g.MeanLatency.Milliseconds(), P95LatencyMS: g.P95Latency.Milliseconds(), MaxLatencyMS: g.MaxLatency.Milliseconds()}
		if rep.ShowsCost {
			row.CostUSD = &g.Cost
		}
		rep.Data = append(rep.Data, row)
		t := &rep.Total
		t.Calls, t.Failed = t.Calls+g.Calls, t.Failed+g.Failed
		t.InputTokens, t.OutputTokens = t.InputTokens+g.InputTokens, t.OutputTokens+g.OutputTokens
		t.CacheReadTokens, t.CacheWriteTokens = t.CacheReadTokens+g.CacheReadTokens, t.CacheWriteTokens+g.CacheWriteTokens
		cost += g.Cost
	}
	if rep.ShowsCost {
		rep.Total.CostUSD = &cost
	}
	return rep, nil
}

// jobStatsJSON is what one monitoring job did over a period.
type jobStatsJSON struct {
	JobID          int64      `json:"job_id"`
	Name           string     `json:"name"`
	Area           string     `json:"area,omitempty"`
	Runs           int64      `json:"runs"`
	Failures       int64      `json:"failures"`
	Succeeded      int64      `json:"succeeded"`
	Running        int64      `json:"running"`
	MeanDurationMS int64      `json:"mean_duration_ms"`
	MaxDurationMS  int64      `json:"max_duration_ms"`
	LastFailureAt  *time.Time `json:"last_failure_at,omitempty"`
	LastError      string     `json:"last_error,omitempty"`
}

type jobStatsReport struct {
	Period period         `json:"period"`
	Data   []jobStatsJSON `json:"data"`
}

// jobStats lists every monitoring job the user may see, with its runs in
// the period (zero when it did not run).
func (s *Server) jobStats(ctx context.Context, u *store.User, days int) (*jobStatsReport, error) {
	p := s.period(days)
	jobs, err := s.visibleJobs(ctx, u)
	if err != nil {
		return nil, err
	}
	stats, err := s.cfg.Store.JobRunStatsList(ctx, u.ConnectionID, p.From)
	if err != nil {
		return nil, err
	}
	byJob := make(map[int64]store.JobRunStats, len(stats))
	for _, st := range stats {
		byJob[st.JobID] = st
	}
	rep := &jobStatsReport{Period: p, Data: []jobStatsJSON{}}
	for _, j := range jobs {
		st := byJob[j.ID]
		rep.Data = append(rep.Data, jobStatsJSON{JobID: j.ID, Name: j.Name, Area: jobArea(j), Runs: st.Runs, Failures: st.Failures,
			Succeeded: st.Succeeded, Running: st.Running, MeanDurationMS: st.MeanDuration.Milliseconds(), MaxDurationMS: st.MaxDuration.Milliseconds(),
			LastFailureAt: timePtr(st.LastFailureAt), LastError: st.LastError})
	}
	return rep, nil
}

// alertResponseJSON is how fast the alerts of one priority were answered.
// Durations are in seconds, absent when nothing was acknowledged or
// resolved.
type alertResponseJSON struct {
	Priority       string `json:"priority"`
	Raised         int    `json:"raised"`
	Acknowledged   int    `json:"acknowledged"`
	Resolved       int    `json:"resolved"`
	Dismissed      int    `json:"dismissed"`
	Open           int    `json:"open"`
	AckMedianS     *int64 `json:"ack_median_s,omitempty"`
	AckP90S        *int64 `json:"ack_p90_s,omitempty"`
	ResolveMedianS *int64 `json:"resolve_median_s,omitempty"`
	ResolveP90S    *int64 `json:"resolve_p90_s,omitempty"`
}

type alertResponseReport struct {
	Period period              `json:"period"`
	Data   []alertResponseJSON `json:"data"`
}

func seconds(d time.Duration, some int) *int64 {
	if some == 0 {
		return nil
	}
	v := int64(d.Round(time.Second) / time.Second)
	return &v
}

// alertResponses describes the alerts raised in the period that the user
// may see (alerts of hidden areas are left out of the figures).
func (s *Server) alertResponses(ctx context.Context, u *store.User, days int) (*alertResponseReport, error) {
	p := s.period(days)
	var hidden []string
	for _, a := range s.areas {
		if !s.canSeeArea(u.Role, a) {
			hidden = append(hidden, a)
		}
	}
	stats, err := s.cfg.Store.AlertResponseStatsList(ctx, store.AlertResponseStatsParams{ConnectionID: u.ConnectionID, Since: p.From, ExcludeTypes: hidden})
	if err != nil {
		return nil, err
	}
	rep := &alertResponseReport{Period: p, Data: []alertResponseJSON{}}
	for _, st := range stats {
		rep.Data = append(rep.Data, alertResponseJSON{Priority: st.Priority, Raised: st.Raised, Acknowledged: st.Acknowledged,
			Resolved: st.Resolved, Dismissed: st.Dismissed, Open: st.Open,
			AckMedianS: seconds(st.AckMedian, st.Acknowledged), AckP90S: seconds(st.AckP90, st.Acknowledged),
			ResolveMedianS: seconds(st.ResolveMedian, st.Resolved), ResolveP90S: seconds(st.ResolveP90, st.Resolved)})
	}
	return rep, nil
}

// impactJSON is the impact of one action type. Rate is absent until an
// outcome is known.
type impactJSON struct {
	ActionType  string   `json:"action_type"`
	Label       string   `json:"label"`
	Executed    int      `json:"executed"`
	Improved    int      `json:"improved"`
	NotImproved int      `json:"not_improved"`
	Pending     int      `json:"pending"`
	Unknown     int      `json:"unknown"`
	RolledBack  int      `json:"rolled_back"`
	Rate        *float64 `json:"rate,omitempty"`
}

type impactReport struct {
	Period period       `json:"period"`
	Data   []impactJSON `json:"data"`
}

// impact reports the action types the user may see that ran in the
// period.
func (s *Server) impact(ctx context.Context, u *store.User, days int) (*impactReport, error) {
	if s.cfg.Impact == nil {
		return nil, errNoImpact
	}
	p := s.period(days)
	rates, err := s.cfg.Impact.ImpactRates(ctx, u.ConnectionID, p.From)
	if err != nil {
		return nil, err
	}
	rep := &impactReport{Period: p, Data: []impactJSON{}}
	for _, r := range rates {
		if r.Executed == 0 || !s.canSeeAction(u.Role, r.ActionType) {
			continue
		}
		v := impactJSON{ActionType: r.ActionType, Label: r.ActionType, Executed: r.Executed, Improved: r.Improved,
			NotImproved: r.NotImproved, Pending: r.Pending, Unknown: r.Unknown, RolledBack: r.RolledBack}
		if info, err := s.acts.Info(actions.Type(r.ActionType)); err == nil {
			v.Label = info.Label
		}
		if !math.IsNaN(r.Rate) && !math.IsInf(r.Rate, 0) && r.Improved+r.NotImproved > 0 {
			rate := r.Rate
			v.Rate = &rate
		}
		rep.Data = append(rep.Data, v)
	}
	return rep, nil
}

// opsHandler serves one operations table as JSON or, with ?format=csv, as
// a CSV download.
func opsHandler[T any](s *Server, def int, load func(*Server, context.Context, *store.User, int) (T, error), csvOf func(T, *store.User) (string, []string, [][]string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		days, err := parseDays(r, def)
		if err != nil {
			s.apiError(w, r, http.StatusBadRequest, codeBadRequest, err.Error())
			return
		}
		u := userFrom(r.Context())
		rep, err := load(s, r.Context(), u, days)
		if errors.Is(err, errNoImpact) {
			s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Action impact is not available in this process.")
			return
		}
		if err != nil {
			s.apiServerError(w, r, err)
			return
		}
		if wantCSV(r) {
			name, header, rows := csvOf(rep, u)
			writeCSV(w, name, header, rows)
			return
		}
		writeJSON(w, http.StatusOK, rep)
	}
}

func i64(v int64) string { return strconv.FormatInt(v, 10) }

func optSeconds(v *int64) string {
	if v == nil {
		return ""
	}
	return i64(*v)
}

func usageCSV(rep *usageReport, _ *store.User) (string, []string, [][]string) {
	header := []string{"feature", "provider", "model", "calls", "failed", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
		"mean_latency_ms", "p95_latency_ms", "max_latency_ms"}
	if rep.ShowsCost {
		header = append(header, "cost_usd")
	}
	var rows [][]string
	for _, g := range rep.Data {
		row := []string{g.Feature, g.Provider, g.Model, i64(g.Calls), i64(g.Failed), i64(g.InputTokens), i64(g.OutputTokens),
			i64(g.CacheReadTokens), i64(g.CacheWriteTokens), i64(g.MeanLatencyMS), i64(g.P95LatencyMS), i64(g.MaxLatencyMS)}
		if g.CostUSD != nil {
			row = append(row, strconv.FormatFloat(*g.CostUSD, 'f', 4, 64))
		}
		rows = append(rows, row)
	}
	return "ai-usage.csv", header, rows
}

func jobStatsCSV(rep *jobStatsReport, _ *store.User) (string, []string, [][]string) {
	var rows [][]string
	for _, j := range rep.Data {
		last := ""
		if j.LastFailureAt != nil {
			last = csvTime(*j.LastFailureAt)
		}
		rows = append(rows, []string{i64(j.JobID), j.Name, j.Area, i64(j.Runs), i64(j.Failures), i64(j.Succeeded), i64(j.Running),
			i64(j.MeanDurationMS), i64(j.MaxDurationMS), last, j.LastError})
	}
	return "job-runs.csv", []string{"job_id", "name", "area", "runs", "failures", "succeeded", "running", "mean_duration_ms", "max_duration_ms",
		"last_failure_at", "last_error"}, rows
}

func alertResponseCSV(rep *alertResponseReport, _ *store.User) (string, []string, [][]string) {
	var rows [][]string
	for _, a := range rep.Data {
		rows = append(rows, []string{a.Priority, strconv.Itoa(a.Raised), strconv.Itoa(a.Acknowledged), strconv.Itoa(a.Resolved),
			strconv.Itoa(a.Dismissed), strconv.Itoa(a.Open), optSeconds(a.AckMedianS), optSeconds(a.AckP90S),
			optSeconds(a.ResolveMedianS), optSeconds(a.ResolveP90S)})
	}
	return "alert-response.csv", []string{"priority", "raised", "acknowledged", "resolved", "dismissed", "open", "ack_median_s", "ack_p90_s",
		"resolve_median_s", "resolve_p90_s"}, rows
}

func impactCSV(rep *impactReport, _ *store.User) (string, []string, [][]string) {
	var rows [][]string
	for _, x := range rep.Data {
		rate := ""
		if x.Rate != nil {
			rate = strconv.FormatFloat(*x.Rate, 'f', 4, 64)
		}
		rows = append(rows, []string{x.ActionType, x.Label, strconv.Itoa(x.Executed), strconv.Itoa(x.Improved), strconv.Itoa(x.NotImproved),
			strconv.Itoa(x.Pending), strconv.Itoa(x.Unknown), strconv.Itoa(x.RolledBack), rate})
	}
	return "action-impact.csv", []string{"action_type", "label", "executed", "improved", "not_improved", "pending", "unknown", "rolled_back", "rate"}, rows
}

func (s *Server) apiUsage() http.HandlerFunc {
	return opsHandler(s, usageDaysDefault, (*Server).usageReport, usageCSV)
}

func (s *Server) apiJobStats() http.HandlerFunc {
	return opsHandler(s, jobDaysDefault, (*Server).jobStats, jobStatsCSV)
}

func (s *Server) apiAlertResponse() http.HandlerFunc {
	return opsHandler(s, alertDaysDefault, (*Server).alertResponses, alertResponseCSV)
}

func (s *Server) apiImpact() http.HandlerFunc {
	return opsHandler(s, impactDaysDefault, (*Server).impact, impactCSV)
}

// opsSection is the operations part of the Analytics landing page.
type opsSection struct {
	// Days is the ?days= override, 0 for each table's own period.
	Days        int
	DayChoices  []int
	Usage       *usageReport
	Jobs        *jobStatsReport
	Alerts      *alertResponseReport
	Impact      *impactReport
	ImpactError string
}

// orDays returns the override when set, else def.
func (o *opsSection) orDays(def int) int {
	if o.Days > 0 {
		return o.Days
	}
	return def
}

func (s *Server) loadOps(r *http.Request) (*opsSection, error) {
	ctx, u := r.Context(), userFrom(r.Context())
	o := &opsSection{DayChoices: []int{1, 7, 30, 90, 365}}
	if r.URL.Query().Get("days") != "" {
		days, err := parseDays(r, 0)
		if err != nil {
			return nil, err
		}
		o.Days = days
	}
	var err error
	if o.Usage, err = s.usageReport(ctx, u, o.orDays(usageDaysDefault)); err != nil {
		return nil, err
	}
	if o.Jobs, err = s.jobStats(ctx, u, o.orDays(jobDaysDefault)); err != nil {
		return nil, err
	}
	if o.Alerts, err = s.alertResponses(ctx, u, o.orDays(alertDaysDefault)); err != nil {
		return nil, err
	}
	if s.cfg.Impact != nil {
		o.Impact, err = s.impact(ctx, u, o.orDays(impactDaysDefault))
		if err != nil {
			// The rest of the page stays useful; say what failed.
			s.cfg.Logger.ErrorContext(ctx, "web: action impact", "error", err)
			o.Impact, o.ImpactError = nil, "The impact of actions could not be read just now; the server log has the details."
		}
	}
	return o, nil
}

// humanDuration writes a duration of seconds for people: "45 s", "12 min",
// "3 h 5 min", "2 d 4 h".
func humanDuration(sec *int64) string {
	if sec == nil {
		return "—"
	}
	d := time.Duration(*sec) * time.Second
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", *sec)
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 24*time.Hour:
		h := int(d.Hours())
		return fmt.Sprintf("%d h %d min", h, int(d.Minutes())-60*h)
	}
	days := int(d.Hours()) / 24
	return fmt.Sprintf("%d d %d h", days, int(d.Hours())-24*days)
}

// usd writes a cost in US dollars, with cents, or four decimals below a
// dollar (one call costs a fraction of a cent).
func usd(v *float64) string {
	switch {
	case v == nil:
		return "—"
	case *v != 0 && math.Abs(*v) < 1:
		return fmt.Sprintf("$%.4f", *v)
	}
	return fmt.Sprintf("$%.2f", *v)
}

// percent writes a rate between 0 and 1 as a whole percentage.
func percent(r *float64) string {
	if r == nil {
		return "—"
	}
	return strconv.Itoa(int(math.Round(*r*100))) + " %"
}
