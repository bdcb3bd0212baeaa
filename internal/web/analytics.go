package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/store"
)

// areaResult is the latest analysis of one area, decoded.
type areaResult struct {
	Area        string             `json:"area"`
	JobID       int64              `json:"job_id"`
	ResultID    int64              `json:"result_id"`
	ScheduledAt time.Time          `json:"scheduled_at"`
	Status      string             `json:"status"`
	Metrics     []metricJSON       `json:"metrics"`
	Insights    []analysis.Insight `json:"insights"`
}

// metricJSON is a metric with its stored key ("name" or "name@company")
// and its value formatted for people.
type metricJSON struct {
	Key       string         `json:"key"`
	Name      string         `json:"name"`
	Value     float64        `json:"value"`
	Unit      string         `json:"unit"`
	Display   string         `json:"display"`
	CompanyID int64          `json:"company_id,omitempty"`
	Available bool           `json:"available"`
	Note      string         `json:"note,omitempty"`
	Refs      []analysis.Ref `json:"refs"`
	// Href is the metric's page and Label its name for people, its
	// record named (linkMetrics sets them).
	Href  string `json:"-"`
	Label string `json:"label,omitempty"`
}

var errNoAnalysis = errors.New("web: no analysis yet")

// areaJob returns the monitoring job of an area, or ErrNotFound.
func (s *Server) areaJob(ctx context.Context, connectionID int64, area string) (*store.MonitoringJob, error) {
	jobs, err := s.cfg.Store.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: connectionID})
	if err != nil {
		return nil, err
	}
	for _, j := range jobs {
		if jobArea(j) == area {
			return j, nil
		}
	}
	return nil, fmt.Errorf("web: area %s: %w", area, store.ErrNotFound)
}

func newMetricJSON(key string, m analysis.Metric) metricJSON {
	out := metricJSON{Key: key, Name: m.Name, Value: m.Value, Unit: m.Unit, CompanyID: m.CompanyID, Available: m.Available, Note: m.Note, Refs: []analysis.Ref{}}
	if out.Name == "" {
		out.Name = key
	}
	if m.Available {
		out.Display = formatMetric(metricValue{Value: m.Value, Unit: m.Unit, Available: true})
	} else {
		out.Display = "not available"
	}
	for _, r := range m.Refs {
		r.URL = safeURL(r.URL)
		out.Refs = append(out.Refs, r)
	}
	return out
}

// loadArea reads the latest result of an area.
func (s *Server) loadArea(ctx context.Context, connectionID int64, area string) (*areaResult, error) {
	j, err := s.areaJob(ctx, connectionID, area)
	if err != nil {
		return nil, err
	}
	res, err := s.cfg.Store.AnalysisResultLatest(ctx, j.ID, time.Time{})
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoAnalysis
	}
	if err != nil {
		return nil, err
	}
	out := &areaResult{Area: area, JobID: j.ID, ResultID: res.ID, ScheduledAt: res.ScheduledAt, Status: res.Status, Metrics: []metricJSON{}, Insights: []analysis.Insight{}}
	dec, err := analysis.DecodeResult(area, res)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	for k, m := range dec.ByKey {
		out.Metrics = append(out.Metrics, newMetricJSON(k, m))
	}
	sort.Slice(out.Metrics, func(i, j int) bool { return out.Metrics[i].Key < out.Metrics[j].Key })
	if dec.Insights != nil {
		out.Insights = dec.Insights
	}
	// Links into Odoo at the connection's current address, not the one
	// the analysis ran against.
	conn, err := s.cfg.Store.ConnectionByID(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	for i := range out.Insights {
		relink(out.Insights[i].Refs, conn.OdooURL)
	}
	for i := range out.Metrics {
		relink(out.Metrics[i].Refs, conn.OdooURL)
	}
	return out, nil
}

// areaFromPath validates the {area} path parameter and the user's right to
// see it.
func (s *Server) areaFromPath(w http.ResponseWriter, r *http.Request, api bool) (string, bool) {
	area := r.PathValue("area")
	if !s.isArea(area) {
		s.notFound(w, r, api, fmt.Sprintf("There is no area %q; the areas are %s.", area, strings.Join(s.areas, ", ")))
		return "", false
	}
	return area, s.requireArea(w, r, api, area)
}

func (s *Server) areaError(w http.ResponseWriter, r *http.Request, api bool, area string, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r, api, "No monitoring job analyzes "+area+" on this connection.")
	case errors.Is(err, errNoAnalysis):
		s.notFound(w, r, api, "The "+area+" analysis has not run yet.")
	default:
		s.fail(w, r, api, err)
	}
}

type areaSummary struct {
	Area        string     `json:"area"`
	JobID       int64      `json:"job_id,omitempty"`
	ScheduledAt *time.Time `json:"scheduled_at,omitempty"`
	Status      string     `json:"status"`
	Metrics     int        `json:"metrics"`
	Insights    int        `json:"insights"`
}

func (s *Server) areaSummaries(ctx context.Context, u *store.User) ([]areaSummary, error) {
	out := []areaSummary{}
	for _, area := range s.areas {
		if !s.canSeeArea(u.Role, area) {
			continue
		}
		sum := areaSummary{Area: area, Status: "no analysis yet"}
		res, err := s.loadArea(ctx, u.ConnectionID, area)
		switch {
		case errors.Is(err, store.ErrNotFound):
			sum.Status = "no monitoring job"
		case errors.Is(err, errNoAnalysis):
		case err != nil:
			return nil, err
		default:
			sum.JobID, sum.ScheduledAt, sum.Status = res.JobID, timePtr(res.ScheduledAt), res.Status
			sum.Metrics, sum.Insights = len(res.Metrics), len(res.Insights)
		}
		out = append(out, sum)
	}
	return out, nil
}

func (s *Server) apiAnalysisList(w http.ResponseWriter, r *http.Request) {
	out, err := s.areaSummaries(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) apiAnalysisArea(w http.ResponseWriter, r *http.Request) {
	area, ok := s.areaFromPath(w, r, true)
	if !ok {
		return
	}
	res, err := s.loadArea(r.Context(), userFrom(r.Context()).ConnectionID, area)
	if err != nil {
		s.areaError(w, r, true, area, err)
		return
	}
	if wantCSV(r) {
		var rows [][]string
		for _, m := range res.Metrics {
			rows = append(rows, []string{m.Key, strconv.FormatFloat(m.Value, 'f', -1, 64), m.Unit, strconv.FormatBool(m.Available), m.Note})
		}
		writeCSV(w, area+"-metrics.csv", []string{"metric", "value", "unit", "available", "note"}, rows)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// metricDetail is the drill-down of one figure: its value now, its history
// and the records behind it, each with a link into Odoo.
type metricDetail struct {
	Area    string        `json:"area"`
	Metric  metricJSON    `json:"metric"`
	History []metricPoint `json:"history"`
	Records []recordLink  `json:"records"`
	// Href is the page of the metric on the dashboard.
	Href string `json:"path"`
	// asOf is when the latest analysis ran: the day its aging counted to.
	asOf time.Time
}

type metricPoint struct {
	At        time.Time `json:"at"`
	Value     float64   `json:"value"`
	Available bool      `json:"available"`
}

// recordLink is one Odoo record behind a figure.
type recordLink struct {
	Model string `json:"model"`
	ID    int64  `json:"id"`
	URL   string `json:"url,omitempty"`
}

// recordLinksMax bounds the records listed for one figure.
const recordLinksMax = 500

func odooLink(base, model string, id int64) string {
	if safeURL(base) == "" {
		return ""
	}
	return base + "/web#id=" + strconv.FormatInt(id, 10) + "&model=" + model + "&view_type=form"
}

// loadMetricDetail reads the history of the metric pick chooses among the
// metrics of the latest result ("" for none).
func (s *Server) loadMetricDetail(ctx context.Context, u *store.User, area string, pick func(map[string]analysis.Metric) string) (*metricDetail, error) {
	j, err := s.areaJob(ctx, u.ConnectionID, area)
	if err != nil {
		return nil, err
	}
	results, err := s.cfg.Store.AnalysisResultList(ctx, store.AnalysisResultListParams{ConnectionID: u.ConnectionID, JobID: j.ID, Limit: 60})
	if err != nil {
		return nil, err
	}
	if len(results) == 0 {
		return nil, errNoAnalysis
	}
	conn, err := s.cfg.Store.ConnectionByID(ctx, u.ConnectionID)
	if err != nil {
		return nil, err
	}
	latest, err := analysis.DecodeMetrics(results[0].Metrics)
	if err != nil {
		return nil, fmt.Errorf("web: result %d: %w", results[0].ID, err)
	}
	key := pick(latest)
	if key == "" {
		return nil, errMetricNotFound
	}
	d := &metricDetail{Area: area, History: []metricPoint{}, Records: []recordLink{}}
	found := false
	for i, res := range results {
		metrics, err := analysis.DecodeMetrics(res.Metrics)
		if err != nil {
			return nil, fmt.Errorf("web: result %d: %w", res.ID, err)
		}
		m, ok := metrics[key]
		if !ok {
			continue
		}
		if i == 0 {
			found, d.Metric, d.asOf = true, newMetricJSON(key, m), res.RunAt
			if d.asOf.IsZero() {
				d.asOf = res.ScheduledAt
			}
			companies := map[int64]bool{}
			for _, m := range metrics {
				if m.CompanyID != 0 {
					companies[m.CompanyID] = true
				}
			}
			var record string
			if d.Href, record, err = s.metricHref(ctx, u.ConnectionID, area, key, m, len(companies) > 1); err != nil {
				return nil, err
			}
			d.Metric.Label = s.namedLabel(key, record)
		}
		d.History = append(d.History, metricPoint{At: res.ScheduledAt, Value: m.Value, Available: m.Available})
	}
	if !found {
		return nil, fmt.Errorf("web: metric %q: %w", key, errMetricNotFound)
	}
	sort.Slice(d.History, func(i, j int) bool { return d.History[i].At.Before(d.History[j].At) })
	for _, ref := range d.Metric.Refs {
		for _, id := range ref.IDs {
			if len(d.Records) == recordLinksMax {
				break
			}
			d.Records = append(d.Records, recordLink{Model: ref.Model, ID: id, URL: odooLink(conn.OdooURL, ref.Model, id)})
		}
	}
	return d, nil
}

var errMetricNotFound = errors.New("no such metric")

func (s *Server) apiMetric(w http.ResponseWriter, r *http.Request) {
	area, ok := s.areaFromPath(w, r, true)
	if !ok {
		return
	}
	key := r.PathValue("metric")
	d, err := s.loadMetricDetail(r.Context(), userFrom(r.Context()), area, byKey(key))
	if errors.Is(err, errMetricNotFound) {
		s.apiError(w, r, http.StatusNotFound, codeNotFound, fmt.Sprintf("The latest %s analysis has no metric %q.", area, key))
		return
	}
	if err != nil {
		s.areaError(w, r, true, area, err)
		return
	}
	if wantCSV(r) {
		var rows [][]string
		for _, rec := range d.Records {
			rows = append(rows, []string{rec.Model, strconv.FormatInt(rec.ID, 10), rec.URL})
		}
		writeCSV(w, key+"-records.csv", []string{"model", "id", "odoo_url"}, rows)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

type analyticsPage struct {
	// Landing is set on /analytics: the areas and the operations part.
	Landing bool
	Areas   []areaSummary
	Ops     *opsSection
	Result  *areaResult
	Detail  *metricDetail
	Spark   string // SVG polyline points of the history
	Charts  []template.HTML
	// Budget is the budget table of the expenses and finance pages.
	Budget *budgetSection
	// Entries lists the invoices behind an aging figure.
	Entries *entryTable
	// EntriesMissing says the records behind an aging figure could not be
	// read.
	EntriesMissing bool
	// Pager pages an area's figures and findings, 50 of each at a time.
	Pager pager
}

func (s *Server) showAnalytics(w http.ResponseWriter, r *http.Request) {
	areas, err := s.areaSummaries(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := parseDays(r, 0); err != nil {
		s.renderError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	ops, err := s.loadOps(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, "analytics", http.StatusOK, analyticsPage{Landing: true, Areas: areas, Ops: ops})
}

func (s *Server) showArea(w http.ResponseWriter, r *http.Request) {
	area, ok := s.areaFromPath(w, r, false)
	if !ok {
		return
	}
	res, err := s.loadArea(r.Context(), userFrom(r.Context()).ConnectionID, area)
	if err != nil {
		s.areaError(w, r, false, area, err)
		return
	}
	charts, err := s.chartsFor(r.Context(), userFrom(r.Context()), area, res)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	pg, err := parsePage(r)
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	var budget *budgetSection
	if area == "expenses" || area == "finance" {
		if budget, err = s.loadBudgetSection(r.Context(), userFrom(r.Context())); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if area == "finance" && budget != nil && budget.Hidden == "" {
		// Each budget line's plan and actual are in the budget table.
		res.Metrics = slices.DeleteFunc(res.Metrics, func(m metricJSON) bool { return finance.IsBudgetLineMetric(m.Name) })
	}
	pg.PerPage = pagePerPage
	total := max(len(res.Metrics), len(res.Insights))
	multi := multiCompany(res.Metrics)
	mp, ip := pg, pg
	res.Metrics, res.Insights = paginate(res.Metrics, &mp), paginate(res.Insights, &ip)
	if err := s.linkMetrics(r.Context(), userFrom(r.Context()).ConnectionID, area, res.Metrics, multi); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, "analytics", http.StatusOK, analyticsPage{Result: res, Charts: charts, Budget: budget, Pager: newPager(r, pg, total)})
}

// renderMetric renders the page of a metric, with the entries behind an
// aging figure (sorted by ?sort=, 50 a page, all as CSV with ?format=csv).
func (s *Server) renderMetric(w http.ResponseWriter, r *http.Request, d *metricDetail) {
	sortKey, desc, ok := parseEntrySort(r)
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "The list cannot be sorted by "+strconv.Quote(r.URL.Query().Get("sort"))+".")
		return
	}
	pg, err := parsePage(r)
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	u := userFrom(r.Context())
	conn, err := s.cfg.Store.ConnectionByID(r.Context(), u.ConnectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows, aging, err := s.openEntries(r.Context(), u.ConnectionID, d, conn.OdooURL, sortKey, desc)
	page := analyticsPage{Detail: d, Spark: sparkline(d.History, 300, 60)}
	if err != nil {
		// The figure stands without its list: the journal items may not be
		// synced yet, or the accounting module not be installed.
		if r.Context().Err() != nil {
			return
		}
		s.cfg.Logger.WarnContext(r.Context(), "web: entries behind a figure", "metric", d.Metric.Key, "error", err)
		page.EntriesMissing = true
	}
	if aging && err == nil {
		if wantCSV(r) {
			writeEntriesCSV(w, d, rows)
			return
		}
		page.Entries = entryTableOf(r, d, rows, pg, sortKey, desc)
	}
	s.render(w, r, "analytics", http.StatusOK, page)
}

// sparkline returns SVG polyline points for the available values, scaled
// into a w x h box, or "" with fewer than two points.
func sparkline(points []metricPoint, w, h float64) string {
	var vals []float64
	for _, p := range points {
		if p.Available {
			vals = append(vals, p.Value)
		}
	}
	if len(vals) < 2 {
		return ""
	}
	lo, hi := vals[0], vals[0]
	for _, v := range vals {
		lo, hi = min(lo, v), max(hi, v)
	}
	out := make([]byte, 0, len(vals)*12)
	for i, v := range vals {
		x := float64(i) / float64(len(vals)-1) * w
		y := h / 2
		if hi > lo {
			y = h - (v-lo)/(hi-lo)*h
		}
		if i > 0 {
			out = append(out, ' ')
		}
		out = strconv.AppendFloat(out, x, 'f', 1, 64)
		out = append(out, ',')
		out = strconv.AppendFloat(out, y, 'f', 1, 64)
	}
	return string(out)
}
